// Renders the room list and the open conversation from rooms.js. Cheap enough to redraw whole
// (a handful of rooms, a page or two of messages), which keeps the view a function of the state.
import { $, describeMember, formatPhone, formatTime, h } from './dom.js';
import { activityOrder, rooms, sortedMessages, totalUnread, unread } from './rooms.js';

let openId = null;
let actions = { open: () => {}, retry: () => {}, myId: () => null };

export const openRoomId = () => openId;
export function setOpenRoom(roomId) { openId = roomId; }
export function bindActions(bound) { actions = bound; }

export function render() {
  renderRooms();
  renderConversation();
  const total = totalUnread();
  document.title = total > 0 ? `(${total}) Distance` : 'Distance';
}

const opponentName = room => room.summary.opponent?.nickname ?? '(account deleted)';

function preview(room) {
  const last = room.summary.lastMessage;
  if (!last) return 'No messages yet';
  const prefix = last.senderId === actions.myId() ? 'You: ' : '';
  return prefix + last.text;
}

function renderRooms() {
  const items = activityOrder().map(room => {
    const count = unread(room);
    const inactive = room.summary.status === 'inactive';
    return h('li', {
      class: `item room${room.id === openId ? ' selected' : ''}${inactive ? ' inactive' : ''}`,
      dataset: { testid: 'room-item', roomId: room.id, opponentId: room.summary.opponent?.memberId ?? '' },
      onclick: () => actions.open(room.id),
    },
    h('div', { class: 'grow' },
      h('strong', { 'data-testid': 'room-name' }, opponentName(room)),
      inactive ? h('span', { class: 'tag' }, 'ended') : null,
      h('div', { class: 'muted ellipsis', 'data-testid': 'room-preview' }, preview(room))),
    h('div', { class: 'right' },
      h('div', { class: 'muted small' }, formatTime(room.summary.lastMessage?.sentAt ?? room.summary.createdAt)),
      count > 0 ? h('span', { class: 'badge', 'data-testid': 'unread' }, String(count)) : null));
  });
  $('#room-list').replaceChildren(...items);
  $('#rooms-empty').hidden = items.length > 0;
}

function messageItem(message, room) {
  if (message.kind === 'system') {
    return h('li', { class: 'msg system', dataset: { testid: 'message', seq: message.seq } }, message.text);
  }
  const mine = message.senderId === actions.myId();
  const read = mine && message.seq <= room.opponentReadSeq;
  return h('li', { class: `msg ${mine ? 'mine' : 'theirs'}`, dataset: { testid: 'message', seq: message.seq } },
    h('span', { class: 'bubble', 'data-testid': 'message-text' }, message.text),
    h('span', { class: 'meta' }, formatTime(message.sentAt), read ? ' · read' : ''));
}

function pendingItem(item, room) {
  return h('li', { class: `msg mine pending ${item.state}`, dataset: { testid: 'pending-message' } },
    h('span', { class: 'bubble' }, item.text),
    item.state === 'failed'
      ? h('span', { class: 'meta error' }, `not sent (${item.reason}) `,
        h('button', { type: 'button', class: 'link', onclick: () => actions.retry(room, item.clientMessageId) }, 'retry'))
      : h('span', { class: 'meta' }, 'sending…'));
}

/** Keeps the view at the newest message when the person was already there (or just sent). */
export function renderConversation({ scrollToEnd = false, keepPosition = false } = {}) {
  const room = rooms.get(openId);
  $('#conversation-empty').hidden = Boolean(room);
  $('#conversation-body').hidden = !room;
  if (!room) return;

  const list = $('#messages');
  const atEnd = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  const fromBottom = list.scrollHeight - list.scrollTop;

  const inactive = room.summary.status === 'inactive';
  $('#conversation-title').textContent = opponentName(room);
  $('#conversation-meta').textContent = [describeMember(room.summary.opponent), inactive ? 'chat ended' : null]
    .filter(Boolean).join(' · ');
  $('#phone').textContent = room.phone ? `☎ ${formatPhone(room.phone)}` : '';
  const share = $('#share-phone');
  share.hidden = Boolean(room.phone) || inactive;
  share.textContent = room.consented ? 'Waiting for them…' : 'Share phone';
  $('#load-older').hidden = !room.hasOlder;

  list.replaceChildren(
    ...sortedMessages(room).map(message => messageItem(message, room)),
    ...[...room.pending.values()].map(item => pendingItem(item, room)));

  const composer = $('#composer');
  composer.elements.text.disabled = inactive;
  composer.querySelector('button').disabled = inactive;
  composer.elements.text.placeholder = inactive ? 'This chat has ended.' : 'Message';

  if (keepPosition) list.scrollTop = list.scrollHeight - fromBottom;
  else if (scrollToEnd || atEnd) list.scrollTop = list.scrollHeight;
}
