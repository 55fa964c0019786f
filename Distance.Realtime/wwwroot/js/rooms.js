// What the page knows about its rooms: summaries from GET /api/rooms and RoomUpdated, messages
// merged by seq (so a message seen twice — live, by SyncRoom or by its ack — is kept once), and
// the unread count as the contract defines it: the room's last seq minus the member's read seq.

export const rooms = new Map(); // roomId → room
// Rooms this page left: a RoomUpdated about the leave can still arrive and must not revive them.
const left = new Set();

function newRoom(summary) {
  return {
    id: summary.roomId,
    summary,
    messages: new Map(), // seq → message
    pending: new Map(), // clientMessageId → { clientMessageId, text, state: 'sending' | 'failed', reason }
    lastSeq: summary.lastSeq ?? 0,
    readSeq: (summary.lastSeq ?? 0) - (summary.unreadCount ?? 0),
    opponentReadSeq: 0,
    historyLoaded: false,
    hasOlder: false,
    phone: null,
    consented: false,
  };
}

/** Adds or refreshes a room from a summary; returns [room, isNew], or [null] for a left room. */
export function upsertRoom(summary) {
  if (left.has(summary.roomId)) return [null, false];
  const room = rooms.get(summary.roomId);
  if (!room) {
    const created = newRoom(summary);
    rooms.set(created.id, created);
    return [created, true];
  }
  room.summary = summary;
  room.lastSeq = Math.max(room.lastSeq, summary.lastSeq ?? 0);
  // A summary is a snapshot: never let an older one undo reads or messages seen since.
  room.readSeq = Math.max(room.readSeq, (summary.lastSeq ?? 0) - (summary.unreadCount ?? 0));
  return [room, false];
}

/** Replaces the set of rooms with the server's list (rooms missing from it are gone). */
export function replaceRooms(summaries) {
  const seen = new Set();
  for (const summary of summaries) {
    const [room] = upsertRoom(summary);
    if (room) seen.add(room.id);
  }
  for (const id of [...rooms.keys()]) if (!seen.has(id)) rooms.delete(id);
}

export function forgetRoom(roomId, { leftByMe = false } = {}) {
  rooms.delete(roomId);
  if (leftByMe) left.add(roomId);
}

/** Merges one message; returns true when it was new to the page. */
export function mergeMessage(room, message) {
  if (message.clientMessageId) room.pending.delete(message.clientMessageId);
  if (room.messages.has(message.seq)) return false;
  room.messages.set(message.seq, message);
  if (message.seq >= room.lastSeq) {
    room.lastSeq = message.seq;
    room.summary = { ...room.summary, lastMessage: message, lastSeq: message.seq };
  }
  return true;
}

export const unread = room => Math.max(0, room.lastSeq - room.readSeq);

export const sortedMessages = room => [...room.messages.values()].sort((a, b) => a.seq - b.seq);

export const oldestSeq = room => Math.min(...room.messages.keys());

/** The newest seq the page holds for a room: where SyncRoom continues from. */
export const syncPoint = room => (room.messages.size ? Math.max(...room.messages.keys()) : room.lastSeq);

/** Most recent activity first: the last message, else the room's creation. */
export function activityOrder() {
  const at = room => Date.parse(room.summary.lastMessage?.sentAt ?? room.summary.createdAt) || 0;
  return [...rooms.values()].sort((a, b) => at(b) - at(a));
}

export function totalUnread() {
  let total = 0;
  for (const room of rooms.values()) total += unread(room);
  return total;
}

/** A client-made UUID; crypto.randomUUID needs a secure context, a LAN address over http is not. */
export function newClientMessageId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map(byte => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
