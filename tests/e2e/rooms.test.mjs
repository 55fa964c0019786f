// The page's room state (wwwroot/js/rooms.js) without a browser: merging by seq, the contract's
// unread count, and summaries that arrive late. Runs with the e2e test, needs no server.
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import {
  forgetRoom, mergeMessage, newClientMessageId, replaceRooms, rooms, syncPoint, unread, upsertRoom,
} from '../../Distance.Realtime/wwwroot/js/rooms.js';

const summary = (roomId, lastSeq, unreadCount, extra = {}) => ({
  roomId, status: 'active', opponent: { memberId: 9, nickname: 'x#9' }, lastMessage: null, lastSeq, unreadCount,
  exchanges: 0, phoneShared: false, createdAt: '2026-11-25T00:00:00Z', ...extra,
});
const message = (roomId, seq, senderId = 9, clientMessageId = null) => ({
  roomId, seq, senderId, kind: 'text', text: `m${seq}`, sentAt: '2026-11-25T00:00:01Z', clientMessageId,
});

beforeEach(() => replaceRooms([]));

test('unread starts from the summary and grows with each new message', () => {
  const [room] = upsertRoom(summary(1, 5, 2));
  assert.equal(unread(room), 2);
  mergeMessage(room, message(1, 6));
  assert.equal(unread(room), 3);
});

test('a message seen live, by SyncRoom and by its ack is kept once and counted once', () => {
  const [room] = upsertRoom(summary(1, 0, 0));
  assert.equal(mergeMessage(room, message(1, 1)), true);
  assert.equal(mergeMessage(room, message(1, 1)), false);
  assert.equal(room.messages.size, 1);
  assert.equal(unread(room), 1);
});

test('the ack or echo of a pending message clears it by its clientMessageId', () => {
  const [room] = upsertRoom(summary(1, 0, 0));
  const id = newClientMessageId();
  room.pending.set(id, { clientMessageId: id, text: 'hi', state: 'sending' });
  mergeMessage(room, message(1, 1, 7, id));
  assert.equal(room.pending.size, 0);
});

test('an older summary does not undo reads or messages seen since', () => {
  const [room] = upsertRoom(summary(1, 3, 3));
  mergeMessage(room, message(1, 4));
  room.readSeq = 4; // read on screen
  upsertRoom(summary(1, 3, 3)); // a RoomUpdated sent before the read arrives late
  assert.equal(room.lastSeq, 4);
  assert.equal(unread(room), 0);
});

test('SyncRoom continues from the newest message held, else from the summary', () => {
  const [room] = upsertRoom(summary(1, 10, 0));
  assert.equal(syncPoint(room), 10);
  const [loaded] = upsertRoom(summary(2, 10, 0));
  mergeMessage(loaded, message(2, 7));
  assert.equal(syncPoint(loaded), 7);
});

test('a room this page left is not revived by a late RoomUpdated', () => {
  upsertRoom(summary(1, 0, 0));
  forgetRoom(1, { leftByMe: true });
  const [revived] = upsertRoom(summary(1, 1, 0, { status: 'inactive' }));
  assert.equal(revived, null);
  assert.equal(rooms.has(1), false);
});

test('the server list replaces the rooms: one missing from it is gone', () => {
  upsertRoom(summary(1, 0, 0));
  upsertRoom(summary(2, 0, 0));
  replaceRooms([summary(2, 0, 0)]);
  assert.deepEqual([...rooms.keys()], [2]);
});

test('client message ids are version 4 UUIDs', () => {
  assert.match(newClientMessageId(), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});
