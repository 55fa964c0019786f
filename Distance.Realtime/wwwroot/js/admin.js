// The operator page: the review queue of GET /api/admin/reports (most reported first), with the
// evidence kept from the rooms, and reinstate or ban. Shown only when the access token carries
// the role `operator`; the server refuses everyone else anyway (403 forbidden).
import { api } from './api.js';
import { $, formatTime, h, onClick, onSubmit, toast } from './dom.js';
import { t } from './i18n.js';

let status = 'open';
let page = 1;

export function wireAdmin({ back }) {
  $('#admin-back').addEventListener('click', back);
  for (const button of document.querySelectorAll('.segmented [data-status]')) {
    button.addEventListener('click', () => {
      status = button.dataset.status;
      for (const other of document.querySelectorAll('.segmented [data-status]')) other.setAttribute('aria-pressed', String(other === button));
      loadAdmin().catch(error => toast(String(error), 'error'));
    });
  }
  onClick($('#admin-more'), () => loadAdmin({ more: true }));
}

export async function loadAdmin({ more = false } = {}) {
  page = more ? page + 1 : 1;
  const result = await api('GET', `/api/admin/reports?status=${status}&page=${page}`);
  const items = result.items.map(renderItem);
  if (more) $('#admin-items').append(...items); else $('#admin-items').replaceChildren(...items);
  $('#admin-empty').hidden = $('#admin-items').children.length > 0;
  $('#admin-more').hidden = !result.hasMore;
}

function renderItem({ member, reports, evidence }) {
  const reportLines = reports.map(report => h('li', {},
    h('strong', {}, t(`reason.${report.reason}`)), ' · ', formatTime(report.createdAt),
    report.details ? h('div', { class: 'muted' }, report.details) : null));
  // The reported member's own lines by name; the other side (the reporter, as a rule) by id.
  const sender = id => (id === member.memberId ? member.nickname : `#${id}`);
  const evidenceLines = (evidence ?? []).map(message => h('li', {}, `${sender(message.senderId)}: ${message.text}`));
  const actions = [];
  if (member.status === 'suspended' || member.status === 'active') {
    // The same route either way: a suspended member comes back; an active one keeps going and the reports are closed.
    const reinstate = h('button', { type: 'button', class: 'secondary', 'data-testid': 'admin-reinstate' },
      t(member.status === 'suspended' ? 'admin.reinstate' : 'admin.dismiss'));
    onClick(reinstate, async () => {
      await api('POST', `/api/admin/members/${member.memberId}/reinstate`);
      toast(t('admin.done'));
      await loadAdmin();
    });
    const ban = h('form', { class: 'row', novalidate: true },
      h('label', {}, h('span', {}, t('admin.banReason')), h('input', { name: 'reason', required: true, maxlength: 500 })),
      h('button', { type: 'submit', class: 'warn-solid', 'data-testid': 'admin-ban' }, t('admin.ban')),
      h('p', { class: 'form-error', role: 'alert' }));
    onSubmit(ban, async ({ reason }) => {
      await api('POST', `/api/admin/members/${member.memberId}/ban`, { reason: reason.trim() });
      toast(t('admin.done'));
      await loadAdmin();
    });
    actions.push(reinstate, ban);
  }
  return h('li', { class: 'item stacked', dataset: { testid: 'admin-item', memberId: member.memberId, status: member.status } },
    h('div', { class: 'grow' },
      h('strong', {}, member.nickname), ' ', h('span', { class: 'tag', 'data-testid': 'admin-status' }, t(`status.${member.status}`)),
      h('div', { class: 'muted' }, t('admin.reports', { n: reports.length })),
      h('ul', { class: 'evidence' }, reportLines),
      evidenceLines.length ? h('details', { 'data-testid': 'admin-evidence' }, h('summary', {}, t('admin.evidence', { n: evidenceLines.length })), h('ul', { class: 'evidence' }, evidenceLines)) : null),
    h('div', { class: 'actions' }, actions));
}
