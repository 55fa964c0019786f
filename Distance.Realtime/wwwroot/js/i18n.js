// The page's language: Korean unless the browser prefers English. t(key, params) looks a string
// up in strings.js; applyI18n() fills the static markup from data-i18n attributes.
import { strings } from './strings.js';

function pickLanguage() {
  for (const tag of navigator.languages ?? [navigator.language]) {
    const primary = String(tag).toLowerCase().split('-')[0];
    if (primary === 'ko' || primary === 'en') return primary;
  }
  return 'ko';
}

export const lang = pickLanguage();
const table = strings[lang];

export function t(key, params = {}) {
  const text = table[key] ?? strings.ko[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
}

export const has = key => key in table;

/** data-i18n → text, data-i18n-ph → placeholder, data-i18n-label → aria-label. */
export function applyI18n(root = document) {
  document.documentElement.lang = lang;
  for (const element of root.querySelectorAll('[data-i18n]')) element.textContent = t(element.dataset.i18n);
  for (const element of root.querySelectorAll('[data-i18n-ph]')) element.placeholder = t(element.dataset.i18nPh);
  for (const element of root.querySelectorAll('[data-i18n-label]')) element.setAttribute('aria-label', t(element.dataset.i18nLabel));
}

export const gender = value => t(`gender.${value}`);

/** 1200 → "1.2 km", 300 → "300 m" (the server's distances are multiples of 100 m). */
export function formatDistance(meters) {
  return meters >= 1000 ? `${(meters / 1000).toFixed(1).replace(/\.0$/, '')} km` : `${Math.round(meters)} m`;
}
