// Where the person is: one of the tabs (nearby, chats, requests, me; admin for operators), and
// whether a conversation covers the screen. Opening a conversation pushes a history entry, so the
// phone's back gesture closes it; switching tabs replaces the entry, so back never cycles tabs.
import { $ } from './dom.js';

const TABS = ['nearby', 'chats', 'requests', 'me', 'admin'];
const listeners = new Set();
let closeListener = () => {};

export const currentTab = () => $('#app-view').dataset.tab;
export const onTab = listener => listeners.add(listener);
export const onConversationClosed = listener => { closeListener = listener; };

export function showTab(tab) {
  if (!TABS.includes(tab)) return;
  const app = $('#app-view');
  app.dataset.tab = tab;
  for (const button of document.querySelectorAll('.tab')) {
    if (button.dataset.tab === tab) button.setAttribute('aria-current', 'page');
    else button.removeAttribute('aria-current');
  }
  if (!app.classList.contains('in-room')) window.scrollTo(0, 0);
  listeners.forEach(listener => listener(tab));
}

export function showConversation(roomId) {
  $('#app-view').classList.add('in-room');
  if (history.state?.room === roomId) return;
  const entry = { room: roomId };
  if (history.state?.room) history.replaceState(entry, '', `#room-${roomId}`);
  else history.pushState(entry, '', `#room-${roomId}`);
}

/** Closes the conversation view; `fromHistory` when the back gesture already left its entry. */
export function hideConversation({ fromHistory = false } = {}) {
  $('#app-view').classList.remove('in-room');
  if (!fromHistory && history.state?.room) history.back();
  closeListener();
}

export function wireNav() {
  for (const button of document.querySelectorAll('.tab')) button.addEventListener('click', () => showTab(button.dataset.tab));
  $('#conversation-back').addEventListener('click', () => hideConversation());
  window.addEventListener('popstate', event => {
    if (!event.state?.room && $('#app-view').classList.contains('in-room')) hideConversation({ fromHistory: true });
  });
}

export function setBadge(name, count) {
  const badge = document.querySelector(`[data-testid=badge-${name}]`);
  badge.hidden = count <= 0;
  badge.textContent = count > 99 ? '99+' : String(count);
}
