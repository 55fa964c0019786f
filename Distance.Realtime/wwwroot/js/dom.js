// Small DOM helpers. User data only ever reaches the page as text nodes, never as HTML.
import { describeError } from './api.js';
import { t } from './i18n.js';
import { validate } from './validate.js';

export const $ = selector => document.querySelector(selector);

/** h('li', { class: 'x', dataset: { roomId: 1 }, onclick }, 'text', child) */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'dataset') Object.assign(element.dataset, value);
    else if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

let toastTimer = null;

/** A short line at the top of the screen, clear of the composer and the tab bar; a tap closes it. */
export function toast(message, kind = 'info') {
  const element = $('#toast');
  element.textContent = message;
  element.className = `toast ${kind}`;
  element.hidden = false;
  element.onclick = clearToast;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(clearToast, kind === 'error' ? 6000 : 3500);
}

export function clearToast() {
  clearTimeout(toastTimer);
  $('#toast').hidden = true;
}

/** An error toast is stale once the next action succeeds. */
function clearErrorToast() {
  if ($('#toast').classList.contains('error')) clearToast();
}

export function showError(error) {
  console.warn(error);
  toast(describeError(error), 'error');
}

/** The form's own error line, or nothing. */
function setFormError(form, message) {
  const line = form.querySelector('.form-error');
  if (line) line.textContent = message ?? '';
  return Boolean(line);
}

/**
 * Wires a form: its fields are checked first (validate.js) and the first problem is shown under
 * the form, in words; then the handler gets the values. The submit button is disabled while it
 * runs, so a double tap does not send twice; a refusal from the server is shown the same way.
 */
export function onSubmit(form, handler) {
  // A problem shown under the form goes as soon as its field is being fixed, not at the next submit.
  const fixing = event => {
    if (!event.target.hasAttribute?.('aria-invalid')) return;
    event.target.removeAttribute('aria-invalid');
    setFormError(form, null);
  };
  form.addEventListener('input', fixing);
  form.addEventListener('change', fixing);
  form.addEventListener('submit', async event => {
    event.preventDefault();
    const problem = validate(form);
    if (problem) { setFormError(form, problem); return; }
    setFormError(form, null);
    const buttons = form.querySelectorAll('button');
    buttons.forEach(button => { button.disabled = true; });
    try {
      await handler(Object.fromEntries(new FormData(form)), form);
      clearErrorToast();
    } catch (error) {
      console.warn(error);
      if (!setFormError(form, describeError(error))) showError(error);
    } finally {
      buttons.forEach(button => { button.disabled = false; });
    }
  });
}

/** Same guard for a plain button. */
export function onClick(button, handler) {
  button.addEventListener('click', async () => {
    button.disabled = true;
    try { await handler(); clearErrorToast(); } catch (error) { showError(error); } finally { button.disabled = false; }
  });
}

export const list = text => (text ?? '').split(/[,，、]/).map(item => item.trim()).filter(Boolean);

export function formatTime(iso) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : date.toLocaleTimeString(document.documentElement.lang, { hour: '2-digit', minute: '2-digit' });
}

/** Korean mobiles arrive as digits: 01012345678 → 010-1234-5678 for people to read. */
export function formatPhone(digits) {
  const match = /^(01\d)(\d{3,4})(\d{4})$/.exec(digits ?? '');
  return match ? `${match[1]}-${match[2]}-${match[3]}` : (digits ?? '');
}

export const describeMember = member => member
  ? [member.school?.name, member.department, member.mbti, member.character].filter(Boolean).join(' · ')
  : '';

export const interests = member => [...(member?.tags ?? []), ...(member?.hobbies ?? [])].map(tag => `#${tag}`).join(' ');

export const confirmAction = message => window.confirm(message);

export { t };
