// Small DOM helpers. User data only ever reaches the page as text nodes, never as HTML.
import { ApiError } from './api.js';

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

/** A short message at the bottom of the page; errors stay longer. */
export function toast(message, kind = 'info') {
  const element = $('#toast');
  element.textContent = message;
  element.className = `toast ${kind}`;
  element.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { element.hidden = true; }, kind === 'error' ? 8000 : 4000);
}

export function showError(error) {
  console.warn(error);
  toast(error instanceof ApiError ? error.describe() : (error?.message ?? String(error)), 'error');
}

/**
 * Wires a form: the handler gets its values; the submit button is disabled while it runs, so a
 * double click does not send twice; failures become a toast.
 */
export function onSubmit(form, handler) {
  form.addEventListener('submit', async event => {
    event.preventDefault();
    const buttons = form.querySelectorAll('button');
    buttons.forEach(button => { button.disabled = true; });
    try {
      await handler(Object.fromEntries(new FormData(form)), form);
    } catch (error) {
      showError(error);
    } finally {
      buttons.forEach(button => { button.disabled = false; });
    }
  });
}

/** Same guard for a plain button. */
export function onClick(button, handler) {
  button.addEventListener('click', async () => {
    button.disabled = true;
    try { await handler(); } catch (error) { showError(error); } finally { button.disabled = false; }
  });
}

export const list = text => (text ?? '').split(',').map(item => item.trim()).filter(Boolean);

export function formatTime(iso) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

/** Korean mobiles arrive as digits: 01012345678 → 010-1234-5678 for people to read. */
export function formatPhone(digits) {
  const match = /^(01\d)(\d{3,4})(\d{4})$/.exec(digits ?? '');
  return match ? `${match[1]}-${match[2]}-${match[3]}` : (digits ?? '');
}

export const describeMember = member => member
  ? [member.school?.name, member.department, member.mbti, member.character].filter(Boolean).join(' · ')
  : '';
