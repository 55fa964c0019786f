// Chat behaviour: hub events, SyncRoom after every (re)connect, sending with idempotent retries,
// reading, phone consent and leaving. Rendering is in chat-view.js.
import { api, hubCode } from './api.js';
import { confirmAction, showError, toast } from './dom.js';
import { t } from './i18n.js';
import {
  forgetRoom, mergeMessage, newClientMessageId, oldestSeq, replaceRooms, rooms, syncPoint, upsertRoom,
} from './rooms.js';
import { render, renderConversation, setOpenRoom, openRoomId } from './chat-view.js';

const SYNC_PAGE = 200; // SyncRoom's page size: a shorter page is the last one
const MAX_SYNC_PAGES = 50; // bound on one room's catch-up (10,000 messages)
const HISTORY_PAGE = 50;
const SEND_RETRY_DELAYS_MS = [500, 2000, 5000];
const PERMANENT_SEND_ERRORS = new Set(['message_invalid', 'room_not_found', 'room_inactive']);

let hub = null;
let me = null;

export function useHub(connection) { hub = connection; }
export function setMe(member) { me = member; }
export const myId = () => me?.memberId;

const delay = ms => new Promise(resolve => setTimeout(resolve, ms));

// ── hub events ───────────────────────────────────────────────────────────────────────────────

export const handlers = {
  MessageReceived(message) {
    const room = rooms.get(message.roomId);
    if (!room) { refreshRooms().catch(showError); return; } // a room this page has not seen yet
    mergeMessage(room, message);
    markReadIfOpen(room);
    render();
  },
  MessagesRead(roomId, memberId, seq) {
    const room = rooms.get(roomId);
    if (!room) return;
    if (memberId === myId()) room.readSeq = Math.max(room.readSeq, seq); // read in another tab
    else room.opponentReadSeq = Math.max(room.opponentReadSeq, seq);
    render();
  },
  RoomUpdated(summary) {
    const [room, isNew] = upsertRoom(summary);
    if (!room) return;
    if (isNew) {
      toast(t('chat.newRoom', { name: summary.opponent?.nickname ?? '?' }));
      syncRoom(room).catch(showError);
    }
    if (summary.phoneShared && !room.phone) fetchPhone(room).catch(() => {});
    render();
  },
  PhoneShared(roomId) {
    const room = rooms.get(roomId);
    if (!room) return;
    room.summary = { ...room.summary, phoneShared: true };
    fetchPhone(room).catch(showError);
  },
};

// ── loading and catching up ─────────────────────────────────────────────────────────────────

export async function refreshRooms() {
  replaceRooms(await api('GET', '/api/rooms'));
  if (openRoomId() !== null && !rooms.has(openRoomId())) setOpenRoom(null);
  render();
}

/**
 * After every connect and reconnect: the server's room list, then SyncRoom for each room the
 * connection joined (the active ones). An inactive room gets nothing new but its "left" notice,
 * so it is synced only when the page holds its messages and is behind the summary.
 */
export async function catchUp() {
  await refreshRooms();
  const behind = room => room.summary.status === 'active' || (room.messages.size > 0 && syncPoint(room) < room.lastSeq);
  await Promise.all([...rooms.values()].filter(behind).map(room => syncRoom(room).catch(showError)));
  const open = rooms.get(openRoomId());
  if (open) markReadIfOpen(open);
  render();
}

async function syncRoom(room) {
  let afterSeq = syncPoint(room);
  let limited = 0;
  for (let page = 0; page < MAX_SYNC_PAGES; page++) {
    let messages;
    try {
      messages = await hub.invoke('SyncRoom', room.id, afterSeq);
    } catch (error) {
      const code = hubCode(error);
      if (code === 'room_not_found') { forgetRoom(room.id); render(); return; }
      // The hub's per-member limit: wait a moment and go on (a few times at most).
      if (code === 'rate_limited' && ++limited <= 3) { await delay(1000 * limited); page--; continue; }
      throw error;
    }
    for (const message of messages) mergeMessage(room, message);
    if (messages.length < SYNC_PAGE) break;
    afterSeq = messages.at(-1).seq;
  }
  render();
}

export async function openRoom(roomId) {
  const room = rooms.get(roomId);
  if (!room) return;
  setOpenRoom(roomId);
  render();
  if (!room.historyLoaded) {
    const { messages } = await api('GET', `/api/rooms/${roomId}/messages?limit=${HISTORY_PAGE}`);
    messages.forEach(message => mergeMessage(room, message));
    room.historyLoaded = true;
    room.hasOlder = messages.length === HISTORY_PAGE;
  }
  if (room.summary.phoneShared && !room.phone) await fetchPhone(room).catch(() => {});
  markReadIfOpen(room);
  renderConversation({ scrollToEnd: true });
  render();
}

export async function loadOlder() {
  const room = rooms.get(openRoomId());
  if (!room || !room.messages.size) return;
  const { messages } = await api('GET', `/api/rooms/${room.id}/messages?beforeSeq=${oldestSeq(room)}&limit=${HISTORY_PAGE}`);
  messages.forEach(message => mergeMessage(room, message));
  room.hasOlder = messages.length === HISTORY_PAGE;
  renderConversation({ keepPosition: true });
}

/** Reads what is on screen: only the open room, only while the page is visible. */
export function markReadIfOpen(room) {
  if (room.id !== openRoomId() || document.visibilityState !== 'visible') return;
  if (room.lastSeq <= room.readSeq || !hub?.connected) return;
  room.readSeq = room.lastSeq;
  hub.invoke('MarkRead', room.id, room.lastSeq).catch(error => console.warn('MarkRead', error));
}

document.addEventListener('visibilitychange', () => {
  const room = rooms.get(openRoomId());
  if (room) { markReadIfOpen(room); render(); }
});

// ── sending ─────────────────────────────────────────────────────────────────────────────────

export function sendText(text) {
  const room = rooms.get(openRoomId());
  if (!room) return;
  const clientMessageId = newClientMessageId();
  room.pending.set(clientMessageId, { clientMessageId, text, state: 'sending' });
  renderConversation({ scrollToEnd: true });
  return deliver(room, clientMessageId);
}

/**
 * Sends until acknowledged. Retries reuse the clientMessageId, so a message whose ack was lost
 * is stored once; a permanent error (room gone or inactive, text invalid) is shown, not retried.
 */
export async function deliver(room, clientMessageId) {
  const item = room.pending.get(clientMessageId);
  if (!item) return;
  item.state = 'sending';
  for (let attempt = 0; ; attempt++) {
    try {
      await hub.whenConnected();
      const ack = await hub.invoke('SendMessage', { roomId: room.id, clientMessageId, text: item.text });
      mergeMessage(room, {
        roomId: room.id, seq: ack.seq, senderId: myId(), kind: 'text', text: item.text, sentAt: ack.sentAt, clientMessageId,
      });
      markReadIfOpen(room);
      break;
    } catch (error) {
      const code = hubCode(error);
      if (PERMANENT_SEND_ERRORS.has(code) || attempt >= SEND_RETRY_DELAYS_MS.length) {
        item.state = 'failed';
        item.error = error;
        break;
      }
      await delay(SEND_RETRY_DELAYS_MS[attempt] * (code === 'rate_limited' ? 2 : 1));
    }
  }
  render();
}

// ── phone numbers and leaving ───────────────────────────────────────────────────────────────

async function fetchPhone(room) {
  const { phone } = await api('GET', `/api/rooms/${room.id}/phone`);
  room.phone = phone;
  render();
}

export async function consentToPhone() {
  const room = rooms.get(openRoomId());
  if (!room) return;
  try {
    const { phoneShared } = await api('POST', `/api/rooms/${room.id}/phone-consent`);
    room.consented = true;
    if (phoneShared) {
      room.summary = { ...room.summary, phoneShared: true };
      await fetchPhone(room);
    } else {
      toast(t('chat.waitingOther'));
    }
  } finally {
    render();
  }
}

export async function leaveOpenRoom() {
  const room = rooms.get(openRoomId());
  if (!room) return;
  const name = room.summary.opponent?.nickname ?? t('chats.deleted');
  if (!confirmAction(t('chat.leaveConfirm', { name }))) return false;
  await api('POST', `/api/rooms/${room.id}/leave`);
  forgetRoom(room.id, { leftByMe: true });
  setOpenRoom(null);
  render();
  return true;
}

/** A room that matching or an accepted request created: show it, and open it if asked. */
export function roomCreated(summary, { open = false } = {}) {
  const [room] = upsertRoom(summary);
  if (!room) return;
  render();
  if (open) openRoom(room.id).catch(showError);
}
