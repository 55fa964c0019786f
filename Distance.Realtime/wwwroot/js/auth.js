// Log in, sign up with an SMS code, and verify the school e-mail; codes come from the dev outbox.
import { api, readOutbox, signIn } from './api.js';
import { $, h, list, onClick, onSubmit, toast } from './dom.js';

const SMS_CODE = /^\d{6}$/;
const EMAIL_CODE = /^[0-9A-Z]{6}$/;

/** The outbox is written when the request is handled, but give a slow node a few tries. */
async function outboxCode(to, pattern) {
  for (let attempt = 0; attempt < 5; attempt++) {
    const found = await readOutbox(to, pattern);
    if (found?.code) return found;
    await new Promise(resolve => setTimeout(resolve, 300));
  }
  return null;
}

async function fillFromOutbox(to, pattern, form, note) {
  const found = await outboxCode(to, pattern);
  if (!found) { note.textContent = `Nothing in the dev outbox for ${to} yet.`; return; }
  note.textContent = `Dev outbox: “${found.text}”`;
  form.elements.code.value = found.code;
}

export function wireAuth({ onSignedIn }) {
  onSubmit($('#login-form'), async ({ phone, password }, form) => {
    await signIn('/api/auth/login', { phone, password });
    form.reset();
    await onSignedIn();
  });

  // Sign-up is three steps: phone → code → profile. State lives only in this closure.
  let phone = null;
  let verificationToken = null;
  const smsForm = $('#sms-form');
  const confirmForm = $('#sms-confirm-form');
  const signupForm = $('#signup-form');

  onSubmit(smsForm, async values => {
    phone = values.phone.trim();
    await api('POST', '/api/verifications/sms', { phone, purpose: 'signup' }, { auth: false });
    confirmForm.hidden = false;
    confirmForm.elements.code.value = '';
    toast(`Code sent to ${phone}.`);
    await fillFromOutbox(phone, SMS_CODE, confirmForm, $('#sms-outbox'));
  });
  onClick($('#sms-read-outbox'), () => fillFromOutbox(phone, SMS_CODE, confirmForm, $('#sms-outbox')));

  onSubmit(confirmForm, async ({ code }) => {
    const result = await api('POST', '/api/verifications/sms/confirm', { phone, code: code.trim() }, { auth: false });
    verificationToken = result.verificationToken;
    smsForm.hidden = true;
    confirmForm.hidden = true;
    signupForm.hidden = false;
    // Whether an empty query lists every school is the server's call; typing narrows it anyway.
    if (!signupForm.elements.schoolCode.options.length) await searchSchools('').catch(() => {});
  });

  const schoolQuery = signupForm.elements.schoolQuery;
  let searchTimer = null;
  schoolQuery.addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => searchSchools(schoolQuery.value.trim()).catch(() => {}), 200);
  });

  onSubmit(signupForm, async (values, form) => {
    const body = {
      verificationToken,
      password: values.password,
      gender: values.gender,
      schoolCode: values.schoolCode,
      college: values.college.trim(),
      department: values.department.trim(),
      mbti: values.mbti.trim().toUpperCase(),
      character: values.character.trim(),
      tags: list(values.tags),
      hobbies: list(values.hobbies),
    };
    // The server refuses unknown or empty optional members, so leave the referrer out unless given.
    if (values.referrerPhone.trim()) body.referrerPhone = values.referrerPhone.trim();
    await signIn('/api/members', body);
    form.reset();
    form.hidden = true;
    smsForm.hidden = false;
    smsForm.reset();
    await onSignedIn();
  });
}

async function searchSchools(query) {
  const select = $('#signup-form').elements.schoolCode;
  const schools = await api('GET', `/api/schools?query=${encodeURIComponent(query)}`, undefined, { auth: false });
  const current = select.value;
  select.replaceChildren(...schools.map(school =>
    h('option', { value: school.code, selected: school.code === current }, `${school.name} (${school.code})`)));
}

/** The school e-mail step of the profile card: shown until the member is studentVerified. */
export function wireEmailVerification({ onVerified }) {
  const emailForm = $('#email-form');
  const confirmForm = $('#email-confirm-form');
  let email = null;

  onSubmit(emailForm, async values => {
    email = values.email.trim();
    await api('POST', '/api/verifications/school-email', { email });
    confirmForm.hidden = false;
    confirmForm.elements.code.value = '';
    toast(`Code sent to ${email}.`);
    await fillFromOutbox(email, EMAIL_CODE, confirmForm, $('#email-outbox'));
  });
  onClick($('#email-read-outbox'), () => fillFromOutbox(email, EMAIL_CODE, confirmForm, $('#email-outbox')));

  onSubmit(confirmForm, async ({ code }) => {
    await api('POST', '/api/verifications/school-email/confirm', { code: code.trim().toUpperCase() });
    confirmForm.hidden = true;
    toast('School e-mail verified.');
    await onVerified();
  });
}

/** Shows or hides the e-mail step for the member from GET /api/me. */
export function showVerification(me) {
  $('#verified-badge').hidden = !me.studentVerified;
  $('#email-form').hidden = me.studentVerified;
  if (me.studentVerified) $('#email-confirm-form').hidden = true;
}
