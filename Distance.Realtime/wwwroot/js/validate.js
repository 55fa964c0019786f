// Checks a form before it is sent, so a student sees what to fix in words instead of a refusal.
// Fields opt in with `required` and `data-rule`; the first problem wins and its field gets focus.
import { t } from './i18n.js';

const PHONE = /^01[016789]-?\d{3,4}-?\d{4}$/;

const rules = {
  phone: value => (PHONE.test(value.replace(/\s/g, '')) ? null : t('form.phone')),
  optionalPhone: value => (!value || PHONE.test(value.replace(/\s/g, '')) ? null : t('form.phone')),
  password: value => (value.length >= 8 ? null : t('form.password')),
  smsCode: value => (/^\d{6}$/.test(value.trim()) ? null : t('form.smsCode')),
  emailCode: value => (/^[0-9A-Za-z]{6}$/.test(value.trim()) ? null : t('form.emailCode')),
  email: value => (/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value.trim()) ? null : t('form.email')),
  mbti: value => (/^[EI][NS][TF][JP]$/i.test(value.trim()) ? null : t('form.mbti')),
  school: value => (value ? null : t('form.school')),
  latitude: value => (value !== '' && Math.abs(Number(value)) <= 90 ? null : t('form.coordinates')),
  longitude: value => (value !== '' && Math.abs(Number(value)) <= 180 ? null : t('form.coordinates')),
  reason: value => (value ? null : t('form.reason')),
  details: value => (value.length <= 1000 ? null : t('form.details')),
  interests: (value, form) => {
    const count = ['tags', 'hobbies'].flatMap(name => (form.elements[name]?.value ?? '').split(/[,，、]/))
      .map(item => item.trim()).filter(Boolean).length;
    return count >= 3 && count <= 5 ? null : t('form.interests', { n: count });
  },
};

function check(field, form) {
  if (field.type === 'radio') {
    const group = form.elements[field.name];
    return field.required && !group.value ? t('form.required', { field: t(`field.${field.name}`) }) : null;
  }
  const value = field.value ?? '';
  const rule = rules[field.dataset.rule];
  if (field.required && !value.trim() && !rule) return t('form.required', { field: t(`field.${field.name}`) });
  return rule ? rule(value, form) : null;
}

/** The first problem of the form as a sentence, or null when it may be sent. */
export function validate(form) {
  let first = null;
  for (const field of form.querySelectorAll('input, select, textarea')) {
    if (field.closest('[hidden]')) continue;
    const problem = check(field, form);
    field.toggleAttribute('aria-invalid', Boolean(problem));
    if (problem) field.setAttribute('aria-invalid', 'true');
    if (problem && !first) { first = problem; field.focus(); }
  }
  return first;
}
