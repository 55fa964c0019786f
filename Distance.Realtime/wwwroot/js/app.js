// Entry point: the offline shell, the sign-in view and the app with its tabs, tied together.
import { wireAdmin, loadAdmin } from './admin.js';
import { api, isSignedIn, logOut, onSignedOut, roles } from './api.js';
import { showVerification, wireAuth, wireEmailVerification } from './auth.js';
import {
  catchUp, consentToPhone, deliver, handlers, leaveOpenRoom, loadOlder, myId, openRoom, refreshRooms, roomCreated,
  sendText, setMe, useHub,
} from './chat.js';
import { bindActions, openRoomId, render, setOpenRoom } from './chat-view.js';
import { $, describeMember, formatPhone, h, onClick, onSubmit, showError, toast } from './dom.js';
import { createHub } from './hub.js';
import { applyI18n, gender, t } from './i18n.js';
import { resetLocation, resumeSharing, sendTypedLocation, wireLocation } from './location.js';
import { hideConversation, onConversationClosed, onTab, showConversation, showTab, wireNav } from './nav.js';
import { findMatches, forgetMatch, forgetRequestsFrom, loadRequests, requestReceived, resetNearby, wireNearby } from './nearby.js';
import { registerServiceWorker, resumePush, wirePush } from './push.js';
import { rooms, replaceRooms } from './rooms.js';
import { block, loadBlocks, openProfile, openReport, wireSafety } from './safety.js';

// While the shell is offline it asks the server again this often (and at once when the device is back online).
const OFFLINE_RETRY_MS = 10_000;
let hub = null;
let me = null;

function setConnectionState(state) {
  const pill = $('#connection-state');
  pill.hidden = false;
  pill.textContent = t(`conn.${state}`);
  pill.className = `pill ${state}`;
  pill.dataset.state = state;
  const banner = $('#banner');
  banner.hidden = state === 'connected' || state === 'connecting';
  banner.classList.toggle('error', state === 'disconnected');
  $('#banner-text').textContent = state === 'disconnected' ? t('banner.disconnected') : t('banner.reconnecting');
  $('#banner-retry').hidden = state !== 'disconnected';
}

async function loadMe() {
  me = await api('GET', '/api/me');
  setMe(me);
  $('#me-nickname').textContent = me.nickname;
  // The phone number in one piece: a line break inside it reads as two numbers.
  $('#profile-summary').replaceChildren([describeMember(me), gender(me.gender)].filter(Boolean).join(' · '),
    ...(me.phone ? [' · ', h('span', { class: 'nowrap' }, formatPhone(me.phone))] : []));
  showVerification(me);
  return me;
}

/** The server answers at all? Otherwise the shell says it is offline instead of showing errors. */
async function reachable() {
  try {
    const response = await fetch('/health/live', { cache: 'no-store', signal: AbortSignal.timeout(5000) });
    return response.status < 500;
  } catch { return false; }
}

let offlineRetry = null;

async function start() {
  clearTimeout(offlineRetry);
  if (!await reachable()) {
    $('#offline-view').hidden = false;
    $('#auth-view').hidden = true;
    $('#app-view').hidden = true;
    offlineRetry = setTimeout(() => start().catch(showError), OFFLINE_RETRY_MS);
    return;
  }
  $('#offline-view').hidden = true;
  if (isSignedIn()) await enterApp();
  else $('#auth-view').hidden = false;
}

async function enterApp() {
  $('#auth-view').hidden = true;
  $('#app-view').hidden = false;
  showTab(new URLSearchParams(location.search).has('room') ? 'chats' : 'nearby');
  await loadMe();
  $('#open-admin').hidden = !roles().includes('operator');
  hub = createHub({
    handlers: { ...handlers, RequestReceived: requestReceived },
    onState: setConnectionState,
    // SyncRoom after every connect and reconnect; requests may also have arrived meanwhile.
    onConnected: () => {
      catchUp().then(openLinkedRoom).catch(showError);
      loadRequests().catch(showError);
    },
  });
  useHub(hub);
  resumeSharing().catch(() => {});
  resumePush().catch(() => {});
  await hub.start();
}

/** A notification opens /?room=ID: that conversation, once the rooms are known. */
function openLinkedRoom() {
  const params = new URLSearchParams(location.search);
  const roomId = Number(params.get('room'));
  if (!roomId || !rooms.has(roomId)) return;
  history.replaceState(null, '', '/');
  showTab('chats');
  openConversation(roomId);
}

function openConversation(roomId) {
  showConversation(roomId);
  openRoom(roomId).catch(showError);
}

async function leaveApp(reason) {
  const closing = hub;
  hub = null;
  me = null;
  await closing?.stop().catch(() => {});
  setMe(null);
  replaceRooms([]);
  resetNearby();
  resetLocation();
  setOpenRoom(null);
  hideConversation();
  render();
  $('#app-view').hidden = true;
  $('#auth-view').hidden = false;
  $('#connection-state').hidden = true;
  $('#banner').hidden = true;
  $('#me-nickname').textContent = '';
  if (reason) toast(reason, 'error');
}

/** After a block or a report: the server closed the shared rooms and dropped the requests. */
async function blocked(memberId) {
  forgetMatch(memberId);
  forgetRequestsFrom(memberId);
  const open = rooms.get(openRoomId());
  if (open?.summary.opponent?.memberId === memberId) hideConversation();
  await refreshRooms().catch(showError);
  await loadBlocks().catch(() => {});
}

function openRoomOpponent() { return rooms.get(openRoomId())?.summary.opponent ?? null; }

function wireRoomMenu() {
  const menu = $('#room-menu');
  $('#conversation-menu').addEventListener('click', () => menu.showModal());
  $('#conversation-title-button').addEventListener('click', () => {
    const opponent = openRoomOpponent();
    if (opponent) openProfile(opponent, { roomId: openRoomId() });
  });
  const act = (name, handler) => onClick(menu.querySelector(`[data-action=${name}]`), async () => {
    menu.close();
    await handler();
  });
  act('close', () => {});
  act('share-phone', () => consentToPhone());
  act('profile', () => openProfile(openRoomOpponent(), { roomId: openRoomId() }));
  act('report', () => openReport(openRoomOpponent(), { roomId: openRoomId() }));
  act('block', () => block(openRoomOpponent()));
  act('leave', async () => { if (await leaveOpenRoom()) hideConversation(); });
}

function wire() {
  applyI18n();
  wireNav();
  wireAuth({ onSignedIn: () => enterApp() });
  wireEmailVerification({ onVerified: () => loadMe() });
  wireLocation({ saved: () => findMatches().catch(showError) });
  wireNearby({
    roomCreated: (summary, options) => {
      roomCreated(summary, { open: false });
      if (options?.open) { showTab('chats'); openConversation(summary.roomId); }
    },
  });
  wireSafety({ blocked });
  wirePush();
  wireAdmin({ back: () => showTab('me') });
  wireRoomMenu();
  bindActions({ open: id => openConversation(id), retry: (room, id) => deliver(room, id), myId });
  onConversationClosed(() => { setOpenRoom(null); render(); });
  onTab(tab => {
    if (tab === 'me' && me) loadBlocks().catch(showError);
    if (tab === 'admin') loadAdmin().catch(showError);
  });
  $('#open-admin').addEventListener('click', () => showTab('admin'));

  onSignedOut(reason => { leaveApp(reason); });
  onClick($('#logout'), () => logOut());
  $('#banner-retry').addEventListener('click', () => hub?.start());
  $('#offline-retry').addEventListener('click', () => start());
  window.addEventListener('online', () => { if (!$('#offline-view').hidden) start(); });

  onSubmit($('#location-form'), ({ latitude, longitude }) => sendTypedLocation(Number(latitude), Number(longitude)));

  const composer = $('#composer');
  composer.addEventListener('submit', event => {
    event.preventDefault();
    const text = composer.elements.text.value.trim();
    if (!text) return;
    if (text.length > 500) { toast(t('form.message'), 'error'); return; }
    composer.elements.text.value = '';
    // Not awaited: the composer stays usable while a message waits for its ack.
    sendText(text)?.catch(showError);
  });
  onClick($('#load-older'), () => loadOlder());
  navigator.serviceWorker?.addEventListener('message', event => {
    if (event.data?.type !== 'open') return;
    const roomId = Number(new URL(event.data.url, location.origin).searchParams.get('room'));
    if (roomId && rooms.has(roomId)) { showTab('chats'); openConversation(roomId); }
  });
}

wire();
registerServiceWorker();
start().catch(showError);
