// Location, people nearby, and incoming room requests.
import { api, request } from './api.js';
import { $, describeMember, h, onClick, onSubmit, showError, toast } from './dom.js';

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
  $('#matches').replaceChildren();
  renderRequests();
}

/** roomCreated(room, { open }) is called with each room this part of the page brings about. */
export function wireNearby(handlers) {
  roomCreated = handlers.roomCreated;
  const locationForm = $('#location-form');

  onClick($('#use-geolocation'), () => new Promise((resolve, reject) => {
    if (!navigator.geolocation) { reject(new Error('This browser offers no geolocation.')); return; }
    navigator.geolocation.getCurrentPosition(position => {
      const { latitude, longitude } = position.coords;
      locationForm.elements.latitude.value = latitude.toFixed(6);
      locationForm.elements.longitude.value = longitude.toFixed(6);
      saveLocation(latitude, longitude).then(resolve, reject);
    }, error => reject(new Error(`No location from the browser: ${error.message}`)),
    { enableHighAccuracy: true, timeout: 10_000, maximumAge: 60_000 });
  }));

  onSubmit(locationForm, ({ latitude, longitude }) => saveLocation(Number(latitude), Number(longitude)));
  onSubmit($('#matches-form'), () => findMatches());

  async function saveLocation(latitude, longitude) {
    await api('PUT', '/api/me/location', { latitude, longitude });
    $('#location-state').textContent = `Location saved: ${latitude.toFixed(5)}, ${longitude.toFixed(5)}`;
    await findMatches().catch(showError);
  }

  async function findMatches() {
    const form = $('#matches-form');
    const radius = Number(form.elements.radiusMeters.value) || 1000;
    const query = new URLSearchParams({
      radiusMeters: String(radius), otherSchools: String(form.elements.otherSchools.checked), count: String(MATCH_COUNT),
    });
    const search = ++searches;
    let result;
    try {
      result = await api('GET', `/api/matches?${query}`);
    } catch (error) {
      if (error.code === 'location_unknown') { toast('Set your location first.'); return; }
      throw error;
    }
    if (search !== searches) return; // a newer search (or a logout) came after this one
    const shown = result.matches.filter(({ member }) => outcomes.get(member.memberId) !== 'room');
    const items = shown.map(({ member, distanceMeters }) => h('li', {
      class: 'item', dataset: { testid: 'match', memberId: member.memberId },
    },
    h('div', { class: 'grow' },
      h('strong', {}, member.nickname),
      h('div', { class: 'muted' }, describeMember(member)),
      h('div', { class: 'muted' }, [...(member.tags ?? []), ...(member.hobbies ?? [])].map(tag => `#${tag}`).join(' '))),
    h('span', { class: 'distance' }, `${Math.round(distanceMeters)} m`),
    chatButton(member)));
    $('#matches').replaceChildren(...(items.length ? items : [h('li', { class: 'muted' }, 'Nobody nearby right now.')]));
  }

  function chatButton(member) {
    const outcome = outcomes.get(member.memberId);
    if (outcome === 'requested') return h('button', { type: 'button', disabled: true }, 'Requested');
    return h('button', { type: 'button', disabled: outcome === 'pending', onclick: () => startChat(member) }, 'Chat');
  }

  /** Shows a member's outcome in the list as it is now: a newer search may have replaced the item pressed. */
  function showOutcome(member) {
    const item = $('#matches').querySelector(`[data-testid=match][data-member-id="${member.memberId}"]`);
    if (!item) return;
    if (outcomes.get(member.memberId) === 'room') item.remove();
    else item.querySelector('button')?.replaceWith(chatButton(member));
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
        toast(`${member.nickname} has no free room; your request waits in their inbox.`);
        return;
      }
      outcomes.set(member.memberId, 'room');
      showOutcome(member);
      roomCreated(body.room, { open: true });
    } catch (error) {
      outcomes.delete(member.memberId);
      showOutcome(member);
      if (error.code === 'student_unverified') toast('Verify your school e-mail first.', 'error');
      else if (error.code === 'room_limit_reached') toast('All your rooms are in use: leave one first.', 'error');
      else showError(error);
    }
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
  toast(`${item.from?.nickname ?? 'Someone'} wants to chat with you.`);
}

function renderRequests() {
  const items = [...requests.values()].map(item => h('li', {
    class: 'item stacked', dataset: { testid: 'request', requestId: item.requestId },
  },
  h('div', { class: 'grow' }, h('strong', {}, item.from?.nickname ?? '?'), h('div', { class: 'muted' }, describeMember(item.from))),
  h('div', { class: 'actions' },
    h('button', { type: 'button', onclick: () => answer(item, true).catch(showError) }, 'Accept'),
    h('button', { type: 'button', class: 'secondary', onclick: () => answer(item, false).catch(showError) }, 'Decline'))));
  $('#requests').replaceChildren(...items);
  $('#requests-empty').hidden = items.length > 0;
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
