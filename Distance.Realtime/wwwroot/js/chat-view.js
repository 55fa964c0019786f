// Renders the room list and the open conversation from rooms.js. Cheap enough to redraw whole
// (a handful of rooms, a page or two of messages), which keeps the view a function of the state.
import { describeError } from './api.js';
import { $, describeMember, formatPhone, formatTime, h } from './dom.js';
import { t } from './i18n.js';
import { setBadge } from './nav.js';
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
  setBadge('chats', total);
  document.title = total > 0 ? `(${total}) Distance` : 'Distance';
}

const opponentName = room => room.summary.opponent?.nickname ?? t('chats.deleted');

function preview(room) {
  const last = room.summary.lastMessage;
  if (!last) return t('chats.noMessages');
  const prefix = last.senderId === actions.myId() ? t('chats.you') : '';
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
      h('button', { type: 'button', class: 'name-button ellipsis', 'data-testid': 'room-name' }, opponentName(room),
        inactive ? h('span', { class: 'tag' }, t('chats.ended')) : null),
      h('div', { class: 'muted ellipsis', 'data-testid': 'room-preview' }, preview(room))),
    h('div', { class: 'right' },
      h('div', { class: 'muted' }, formatTime(room.summary.lastMessage?.sentAt ?? room.summary.createdAt)),
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
    h('span', { class: 'meta' }, formatTime(message.sentAt), read ? ` · ${t('chat.read')}` : ''));
}

function pendingItem(item, room) {
  return h('li', { class: `msg mine pending ${item.state}`, dataset: { testid: 'pending-message' } },
    h('span', { class: 'bubble' }, item.text),
    item.state === 'failed'
      ? h('span', { class: 'meta error' }, t('chat.notSent', { reason: describeError(item.error) }), ' ',
        h('button', { type: 'button', class: 'link', onclick: () => actions.retry(room, item.clientMessageId) }, t('chat.retry')))
      : h('span', { class: 'meta' }, t('chat.sending')));
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
  $('#conversation-meta').textContent = [describeMember(room.summary.opponent), inactive ? t('chat.ended') : null]
    .filter(Boolean).join(' · ');
  const phone = $('#phone');
  phone.hidden = !room.phone;
  phone.replaceChildren(...(room.phone ? [`${t('chat.phone')} `, h('a', { href: `tel:${room.phone}`, class: 'nowrap' }, formatPhone(room.phone))] : []));
  const share = $('#share-phone');
  share.hidden = Boolean(room.phone) || inactive;
  share.textContent = room.consented ? t('chat.waitingPhone') : t('chat.sharePhone');
  share.disabled = Boolean(room.consented);
  share.dataset.state = room.consented ? 'waiting' : 'ready';
  for (const action of ['profile', 'report', 'block']) {
    $(`#room-menu [data-action=${action}]`).hidden = !room.summary.opponent;
  }
  $('#load-older').hidden = !room.hasOlder;

  list.replaceChildren(
    ...sortedMessages(room).map(message => messageItem(message, room)),
    ...[...room.pending.values()].map(item => pendingItem(item, room)));

  const composer = $('#composer');
  composer.elements.text.disabled = inactive;
  composer.querySelector('button').disabled = inactive;
  composer.elements.text.placeholder = inactive ? t('chat.endedPlaceholder') : t('ph.message');

  if (keepPosition) list.scrollTop = list.scrollHeight - fromBottom;
  else if (scrollToEnd || atEnd) list.scrollTop = list.scrollHeight;
}
