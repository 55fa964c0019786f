// The service worker (offline shell, notifications) and the Web Push subscription: the page asks
// the server for its VAPID key (GET /api/push/webpush-key; 404 = Web Push is off), subscribes
// through the browser's push service and hands the subscription over (PUT /api/me/push).
import { api } from './api.js';
import { $, onClick } from './dom.js';
import { t } from './i18n.js';

const PREFERENCE = 'distance.push';
const supported = () => 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;

export async function registerServiceWorker() {
  if (!('serviceWorker' in navigator)) return null;
  try { return await navigator.serviceWorker.register('/sw.js'); } catch (error) { console.warn('service worker', error); return null; }
}

function setState(key) {
  $('#push-state').textContent = t(key);
  $('#push-state').dataset.state = key.split('.')[1];
  $('#push-toggle').hidden = key === 'me.pushEnabled' || key === 'me.pushUnsupported';
}

function keyBytes(base64url) {
  const base64 = base64url.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(base64url.length / 4) * 4, '=');
  return Uint8Array.from(atob(base64), char => char.charCodeAt(0));
}

/** Subscribes (asking for permission when `ask`) and registers the subscription for this login. */
async function subscribe({ ask }) {
  if (!supported()) { setState('me.pushUnsupported'); return; }
  let publicKey;
  try {
    ({ publicKey } = await api('GET', '/api/push/webpush-key'));
  } catch (error) {
    if (error.status === 404 || error.status === 405) { setState('me.pushUnavailable'); return; }
    throw error;
  }
  const permission = ask ? await Notification.requestPermission() : Notification.permission;
  if (permission !== 'granted') { setState(permission === 'denied' ? 'me.pushDenied' : 'me.pushOff'); return; }
  const registration = await navigator.serviceWorker.ready;
  const subscription = await registration.pushManager.getSubscription()
    ?? await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(publicKey) });
  const { endpoint, keys } = subscription.toJSON();
  await api('PUT', '/api/me/push', { kind: 'webpush', endpoint, p256dh: keys.p256dh, auth: keys.auth });
  localStorage.setItem(PREFERENCE, 'on');
  setState('me.pushEnabled');
}

export function wirePush() {
  onClick($('#push-toggle'), () => subscribe({ ask: true }));
}

/** After login: each login registers its own subscription, without asking again. */
export async function resumePush() {
  if (!supported()) { setState('me.pushUnsupported'); return; }
  setState(Notification.permission === 'denied' ? 'me.pushDenied' : 'me.pushOff');
  if (localStorage.getItem(PREFERENCE) === 'on' && Notification.permission === 'granted') await subscribe({ ask: false });
}
