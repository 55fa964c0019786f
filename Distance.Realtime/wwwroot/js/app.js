// Entry point: switches between the sign-in view and the app, and ties the parts together.
import { api, isSignedIn, logOut, onSignedOut } from './api.js';
import { showVerification, wireAuth, wireEmailVerification } from './auth.js';
import {
  catchUp, consentToPhone, deliver, handlers, leaveOpenRoom, loadOlder, myId, openRoom, roomCreated,
  sendText, setMe, useHub,
} from './chat.js';
import { bindActions, render, setOpenRoom } from './chat-view.js';
import { $, describeMember, formatPhone, onClick, showError, toast } from './dom.js';
import { createHub } from './hub.js';
import { loadRequests, requestReceived, resetNearby, wireNearby } from './nearby.js';
import { replaceRooms } from './rooms.js';

let hub = null;

function setConnectionState(state) {
  const pill = $('#connection-state');
  pill.hidden = false;
  pill.textContent = state === 'disconnected' ? 'offline · reconnect' : state;
  pill.className = `pill ${state}`;
  pill.dataset.state = state;
}

async function loadMe() {
  const me = await api('GET', '/api/me');
  setMe(me);
  $('#me-nickname').textContent = me.nickname;
  // The nickname (department + MBTI + #id) is in the header already.
  $('#profile-summary').textContent = [describeMember(me), me.gender, me.phone ? `☎ ${formatPhone(me.phone)}` : null]
    .filter(Boolean).join(' · ');
  showVerification(me);
  return me;
}

async function enterApp() {
  $('#auth-view').hidden = true;
  $('#app-view').hidden = false;
  $('#logout').hidden = false;
  await loadMe();
  hub = createHub({
    handlers: { ...handlers, RequestReceived: requestReceived },
    onState: setConnectionState,
    // SyncRoom after every connect and reconnect; requests may also have arrived meanwhile.
    onConnected: () => {
      catchUp().catch(showError);
      loadRequests().catch(showError);
    },
  });
  useHub(hub);
  await hub.start();
}

async function leaveApp(reason) {
  const closing = hub;
  hub = null;
  await closing?.stop().catch(() => {});
  setMe(null);
  replaceRooms([]);
  resetNearby();
  setOpenRoom(null);
  render();
  $('#app-view').hidden = true;
  $('#auth-view').hidden = false;
  $('#logout').hidden = true;
  $('#connection-state').hidden = true;
  $('#me-nickname').textContent = '';
  if (reason) toast(reason, 'error');
}

function wire() {
  wireAuth({ onSignedIn: () => enterApp() });
  wireEmailVerification({ onVerified: () => loadMe() });
  wireNearby({ roomCreated });
  bindActions({ open: id => openRoom(id).catch(showError), retry: (room, id) => deliver(room, id), myId });

  onSignedOut(reason => { leaveApp(reason); });
  onClick($('#logout'), () => logOut());
  $('#connection-state').addEventListener('click', () => {
    if ($('#connection-state').dataset.state === 'disconnected') hub?.start();
  });

  const composer = $('#composer');
  composer.addEventListener('submit', event => {
    event.preventDefault();
    const text = composer.elements.text.value.trim();
    if (!text) return;
    composer.elements.text.value = '';
    // Not awaited: the composer stays usable while a message waits for its ack.
    sendText(text)?.catch(showError);
  });
  onClick($('#share-phone'), () => consentToPhone());
  onClick($('#leave-room'), () => leaveOpenRoom());
  onClick($('#load-older'), () => loadOlder());
}

wire();
if (isSignedIn()) {
  enterApp().catch(error => { showError(error); });
} else {
  $('#auth-view').hidden = false;
}
