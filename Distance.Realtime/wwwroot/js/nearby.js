// People nearby and incoming room requests.
import { api, describeError, request } from './api.js';
import { $, describeMember, h, interests, onSubmit, showError, toast } from './dom.js';
import { formatDistance, t } from './i18n.js';
import { hasLocation } from './location.js';
import { setBadge } from './nav.js';
import { openProfile } from './safety.js';

const MATCH_COUNT = 10;
const requests = new Map(); // requestId → { requestId, from, createdAt }
// What pressing "Chat" led to, per member id: 'room' (hidden from the list) or 'requested'. Kept
// apart from the list so a newer search, or one that was still in flight, cannot undo it.
const outcomes = new Map();
let searches = 0;
let roomCreated = () => {};

/** Forgets the previous member's people and requests (logout). */
export function resetNearby() {
  requests.clear();
  outcomes.clear();
  searches++;
  $('#matches').replaceChildren(emptyLine(t('nearby.needLocation')));
  renderRequests();
}

const emptyLine = text => h('li', { class: 'empty', 'data-testid': 'matches-empty' }, text);

/** Drops a member from the list (blocked or reported from the profile sheet). */
export function forgetMatch(memberId) {
  outcomes.set(memberId, 'room');
  document.querySelector(`[data-testid=match][data-member-id="${memberId}"]`)?.remove();
}

/** roomCreated(room, { open }) is called with each room this part of the page brings about. */
export function wireNearby(handlers) {
  roomCreated = handlers.roomCreated;
  onSubmit($('#matches-form'), () => findMatches());
  resetNearby();
}

export async function findMatches() {
  const form = $('#matches-form');
  const query = new URLSearchParams({
    radiusMeters: form.elements.radiusMeters.value, otherSchools: String(form.elements.otherSchools.checked), count: String(MATCH_COUNT),
  });
  const search = ++searches;
  let result;
  try {
    result = await api('GET', `/api/matches?${query}`);
  } catch (error) {
    if (error.code === 'location_unknown') { $('#matches').replaceChildren(emptyLine(t('nearby.needLocation'))); return; }
    throw error;
  }
  if (search !== searches) return; // a newer search (or a logout) came after this one
  const shown = result.matches.filter(({ member }) => outcomes.get(member.memberId) !== 'room');
  const items = shown.map(({ member, distanceMeters }) => h('li', {
    class: 'item', dataset: { testid: 'match', memberId: member.memberId },
  },
  h('div', { class: 'grow' },
    h('button', { type: 'button', class: 'name-button ellipsis', 'data-testid': 'match-name', onclick: () => openProfile(member) }, member.nickname),
    h('div', { class: 'muted' }, describeMember(member)),
    h('div', { class: 'tags' }, interests(member))),
  h('div', { class: 'right' },
    h('span', { class: 'distance', 'data-testid': 'distance', 'data-meters': distanceMeters }, t('nearby.distance', { m: formatDistance(distanceMeters) })),
    chatButton(member))));
  $('#matches').replaceChildren(...(items.length ? items : [emptyLine(hasLocation() ? t('nearby.none') : t('nearby.none'))]));
}

function chatButton(member) {
  const outcome = outcomes.get(member.memberId);
  if (outcome === 'requested') return h('button', { type: 'button', class: 'secondary', disabled: true, 'data-testid': 'match-requested' }, t('nearby.requested'));
  return h('button', {
    type: 'button', disabled: outcome === 'pending', 'data-testid': 'match-chat', onclick: () => startChat(member),
  }, t('nearby.chat'));
}

/** Shows a member's outcome in the list as it is now: a newer search may have replaced the item pressed. */
function showOutcome(member) {
  const item = $('#matches').querySelector(`[data-testid=match][data-member-id="${member.memberId}"]`);
  if (!item) return;
  if (outcomes.get(member.memberId) === 'room') item.remove();
  else item.querySelector('.right button')?.replaceWith(chatButton(member));
}

/** 201/200: a room (new or existing); 202: the opponent is full, a request waits in their inbox. */
async function startChat(member) {
  outcomes.set(member.memberId, 'pending');
  showOutcome(member);
  try {
    const { status, body } = await request('POST', '/api/rooms', { memberId: member.memberId });
    if (status === 202) {
      outcomes.set(member.memberId, 'requested');
      showOutcome(member);
      toast(t('nearby.requestSent', { name: member.nickname }));
      return;
    }
    outcomes.set(member.memberId, 'room');
    showOutcome(member);
    roomCreated(body.room, { open: true });
  } catch (error) {
    outcomes.delete(member.memberId);
    showOutcome(member);
    toast(describeError(error), 'error');
  }
}

export async function loadRequests() {
  const incoming = await api('GET', '/api/requests');
  requests.clear();
  for (const item of incoming) requests.set(item.requestId, item);
  renderRequests();
}

/** RequestReceived from the hub. */
export function requestReceived(item) {
  requests.set(item.requestId, item);
  renderRequests();
  toast(t('requests.received', { name: item.from?.nickname ?? '?' }));
}

function renderRequests() {
  const items = [...requests.values()].map(item => h('li', {
    class: 'item stacked', dataset: { testid: 'request', requestId: item.requestId },
  },
  h('div', { class: 'grow' },
    h('button', { type: 'button', class: 'name-button ellipsis', onclick: () => item.from && openProfile(item.from) }, item.from?.nickname ?? '?'),
    h('div', { class: 'muted' }, describeMember(item.from)),
    h('div', { class: 'tags' }, interests(item.from))),
  h('div', { class: 'actions' },
    h('button', { type: 'button', 'data-testid': 'request-accept', onclick: () => answer(item, true).catch(showError) }, t('requests.accept')),
    h('button', { type: 'button', class: 'secondary', 'data-testid': 'request-decline', onclick: () => answer(item, false).catch(showError) }, t('requests.decline')))));
  $('#requests').replaceChildren(...items);
  $('#requests-empty').hidden = items.length > 0;
  setBadge('requests', items.length);
}

/** Forgets requests from a member (blocked or reported: the server deleted them). */
export function forgetRequestsFrom(memberId) {
  for (const [id, item] of requests) if (item.from?.memberId === memberId) requests.delete(id);
  renderRequests();
}

async function answer(item, accept) {
  if (accept) {
    const { room } = await api('POST', `/api/requests/${item.requestId}/accept`);
    roomCreated(room, { open: true });
  } else {
    await api('DELETE', `/api/requests/${item.requestId}`);
  }
  requests.delete(item.requestId);
  renderRequests();
}
