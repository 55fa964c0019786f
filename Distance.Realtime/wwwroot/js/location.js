// The device's location while the app is open: watchPosition, sent to the server no more often
// than it is useful. The server snaps positions to ~100 m cells and limits each member's requests,
// so a fix is sent when it moved 50 m or more, at most every 15 s, and every 5 minutes anyway to
// stay "active" for matching. The state is always on screen, with a switch to stop.
import { api } from './api.js';
import { $, formatTime, showError } from './dom.js';
import { t } from './i18n.js';

const MIN_INTERVAL_MS = 15_000;
const MIN_MOVE_METERS = 50;
const KEEPALIVE_MS = 5 * 60_000;
const PREFERENCE = 'distance.location';

let watchId = null;
let last = null; // { latitude, longitude, at }
let latest = null;
let trailing = null;
let onSaved = () => {};

function distance(a, b) {
  const rad = Math.PI / 180;
  const x = (b.longitude - a.longitude) * rad * Math.cos(((a.latitude + b.latitude) / 2) * rad);
  const y = (b.latitude - a.latitude) * rad;
  return Math.sqrt(x * x + y * y) * 6_371_000;
}

function setState(state, detail = '') {
  const line = $('#location-state');
  line.dataset.state = state;
  const text = {
    off: t('location.off'), waiting: t('location.waiting'), sharing: t('location.sharing'),
    denied: t('location.denied'), unavailable: t('location.unavailable'), manual: t('location.manual', { time: detail }),
  }[state];
  line.textContent = state === 'sharing' && detail ? `${text} · ${t('location.saved', { time: detail })}` : text;
  const toggle = $('#location-toggle');
  const on = state === 'sharing' || state === 'waiting';
  toggle.textContent = on ? t('location.stop') : t('location.start');
  toggle.className = on ? 'secondary' : '';
  toggle.setAttribute('aria-pressed', String(on));
}

export const hasLocation = () => last !== null;

export async function sendLocation(latitude, longitude, { manual = false } = {}) {
  await api('PUT', '/api/me/location', { latitude, longitude });
  last = { latitude, longitude, at: Date.now() };
  const line = $('#location-state');
  line.dataset.saved = String(last.at);
  setState(manual ? 'manual' : 'sharing', formatTime(new Date().toISOString()));
  onSaved();
}

function consider(position) {
  latest = { latitude: position.coords.latitude, longitude: position.coords.longitude };
  const since = last ? Date.now() - last.at : Infinity;
  const moved = last ? distance(last, latest) : Infinity;
  if (!(moved >= MIN_MOVE_METERS || since >= KEEPALIVE_MS)) return;
  clearTimeout(trailing);
  if (since < MIN_INTERVAL_MS) {
    trailing = setTimeout(() => consider({ coords: latest }), MIN_INTERVAL_MS - since);
    return;
  }
  sendLocation(latest.latitude, latest.longitude).catch(showError);
}

export function startSharing() {
  if (!navigator.geolocation) { setState('unavailable'); return; }
  stopWatch();
  localStorage.setItem(PREFERENCE, 'on');
  setState('waiting');
  watchId = navigator.geolocation.watchPosition(consider, error => {
    if (error.code === error.PERMISSION_DENIED) { stopSharing(); setState('denied'); } else if (!last) setState('unavailable');
  }, { enableHighAccuracy: true, maximumAge: 30_000, timeout: 30_000 });
}

function stopWatch() {
  if (watchId !== null) navigator.geolocation.clearWatch(watchId);
  watchId = null;
  clearTimeout(trailing);
}

export function stopSharing() {
  stopWatch();
  localStorage.setItem(PREFERENCE, 'off');
  setState('off');
}

export async function wireLocation({ saved }) {
  onSaved = saved;
  setState('off');
  $('#location-toggle').addEventListener('click', () => (watchId === null ? startSharing() : stopSharing()));
}

/** After login: sharing resumes by itself when the person turned it on before and the browser still allows it. */
export async function resumeSharing() {
  if (localStorage.getItem(PREFERENCE) !== 'on' || !navigator.geolocation) return;
  const permission = await navigator.permissions?.query({ name: 'geolocation' }).catch(() => null);
  if (permission?.state === 'granted') startSharing();
}

export function resetLocation() {
  stopWatch();
  last = null;
  setState('off');
}

/** The development panel: typed coordinates instead of the device's (and the watch stops). */
export async function sendTypedLocation(latitude, longitude) {
  stopWatch();
  await sendLocation(latitude, longitude, { manual: true });
}
