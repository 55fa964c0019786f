// Safety within reach: a profile sheet (from a match, a request or a conversation) with report
// and block, the report form, and the list of blocked people with unblock (contract v2).
import { api } from './api.js';
import { $, confirmAction, describeMember, formatTime, h, interests, onClick, onSubmit, showError, toast } from './dom.js';
import { t } from './i18n.js';

let shown = null; // { member, roomId }
let afterBlock = () => {};

export function openProfile(member, { roomId = null } = {}) {
  shown = { member, roomId };
  $('#profile-name').textContent = member.nickname;
  $('#profile-details').textContent = describeMember(member);
  $('#profile-tags').textContent = interests(member);
  $('#profile-sheet').showModal();
}

export function openReport(member, { roomId = null } = {}) {
  shown = { member, roomId };
  const form = $('#report-form');
  form.reset();
  form.querySelector('.form-error').textContent = '';
  $('#report-who').textContent = member.nickname;
  $('#report-dialog').showModal();
}

export async function block(member) {
  if (!confirmAction(t('profile.blockConfirm', { name: member.nickname }))) return false;
  await api('POST', '/api/blocks', { memberId: member.memberId });
  toast(t('profile.blocked'));
  await afterBlock(member.memberId);
  return true;
}

export function wireSafety({ blocked }) {
  afterBlock = blocked;
  const sheet = $('#profile-sheet');
  sheet.querySelector('[data-action=close]').addEventListener('click', () => sheet.close());
  sheet.querySelector('[data-action=report]').addEventListener('click', () => {
    sheet.close();
    openReport(shown.member, { roomId: shown.roomId });
  });
  onClick(sheet.querySelector('[data-action=block]'), async () => {
    if (await block(shown.member)) sheet.close();
  });

  const dialog = $('#report-dialog');
  dialog.querySelector('[data-action=cancel]').addEventListener('click', () => dialog.close());
  onSubmit($('#report-form'), async ({ reason, details }) => {
    const body = { memberId: shown.member.memberId, reason };
    if (details.trim()) body.details = details.trim();
    if (shown.roomId) body.roomId = shown.roomId;
    await api('POST', '/api/reports', body);
    dialog.close();
    toast(t('report.sent'));
    // A report also blocks: the person leaves the lists like a blocked one.
    await afterBlock(shown.member.memberId);
  });
}

export async function loadBlocks() {
  let blocks;
  try {
    blocks = await api('GET', '/api/blocks');
  } catch (error) {
    if (error.status === 404 || error.status === 405) blocks = []; // a server without blocking yet
    else throw error;
  }
  const items = blocks.map(({ member, blockedAt }) => {
    const unblock = h('button', { type: 'button', class: 'secondary', 'data-testid': 'unblock' }, t('me.unblock'));
    onClick(unblock, async () => {
      await api('DELETE', `/api/blocks/${member.memberId}`);
      toast(t('me.unblocked'));
      await loadBlocks().catch(showError);
    });
    return h('li', { class: 'item', dataset: { testid: 'block', memberId: member.memberId } },
      h('div', { class: 'grow' }, h('strong', { class: 'ellipsis' }, member.nickname),
        h('div', { class: 'muted' }, formatTime(blockedAt))),
      unblock);
  });
  $('#blocks').replaceChildren(...items);
  $('#blocks-empty').hidden = items.length > 0;
}
