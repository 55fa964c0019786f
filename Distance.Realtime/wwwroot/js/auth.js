// Log in, sign up with an SMS code, and verify the school e-mail; in Development the codes come
// from the dev outbox. A festival link (/?school=CODE) pre-selects the school of the sign-up.
import { api, readOutbox, signIn } from './api.js';
import { $, h, list, onClick, onSubmit, toast } from './dom.js';
import { t } from './i18n.js';

const SMS_CODE = /^\d{6}$/;
const EMAIL_CODE = /^[0-9A-Z]{6}$/;
const devMode = () => document.documentElement.dataset.dev === 'true';
const festivalSchool = new URLSearchParams(location.search).get('school')?.trim().toUpperCase() || null;
let schoolsLoaded = null;

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
  if (!devMode()) return;
  const found = await outboxCode(to, pattern);
  if (!found) { note.textContent = t('auth.outboxEmpty', { to }); return; }
  note.textContent = t('auth.outboxText', { text: found.text });
  form.elements.code.value = found.code;
}

export function wireAuth({ onSignedIn }) {
  onSubmit($('#login-form'), async ({ phone, password }, form) => {
    await signIn('/api/auth/login', { phone: phone.trim(), password });
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
    toast(t('auth.codeSent', { to: phone }));
    confirmForm.elements.code.focus();
    await fillFromOutbox(phone, SMS_CODE, confirmForm, $('#sms-outbox'));
  });
  onClick($('#sms-read-outbox'), () => fillFromOutbox(phone, SMS_CODE, confirmForm, $('#sms-outbox')));

  onSubmit(confirmForm, async ({ code }) => {
    const result = await api('POST', '/api/verifications/sms/confirm', { phone, code: code.trim() }, { auth: false });
    verificationToken = result.verificationToken;
    smsForm.hidden = true;
    confirmForm.hidden = true;
    signupForm.hidden = false;
    await loadSchools();
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

  if (festivalSchool) loadSchools().catch(() => {});
}

/** Every school (the list is short), with the festival's school chosen when the link named one. */
function loadSchools() {
  schoolsLoaded ??= searchSchools('').then(schools => {
    const festival = schools.find(school => school.code === festivalSchool);
    if (!festival) return;
    $('#signup-form').elements.schoolCode.value = festival.code;
    const note = $('#festival-note');
    note.textContent = t('auth.festival', { school: festival.name });
    note.hidden = false;
  }).catch(error => { schoolsLoaded = null; throw error; });
  return schoolsLoaded;
}

async function searchSchools(query) {
  const select = $('#signup-form').elements.schoolCode;
  const schools = await api('GET', `/api/schools?query=${encodeURIComponent(query)}`, undefined, { auth: false });
  const current = select.value || festivalSchool;
  select.replaceChildren(...schools.map(school =>
    h('option', { value: school.code, selected: school.code === current }, school.name)));
  return schools;
}

/** The school e-mail step of the "me" tab: shown until the member is studentVerified. */
export function wireEmailVerification({ onVerified }) {
  const emailForm = $('#email-form');
  const confirmForm = $('#email-confirm-form');
  let email = null;

  onSubmit(emailForm, async values => {
    email = values.email.trim();
    await api('POST', '/api/verifications/school-email', { email });
    confirmForm.hidden = false;
    confirmForm.elements.code.value = '';
    toast(t('auth.codeSent', { to: email }));
    await fillFromOutbox(email, EMAIL_CODE, confirmForm, $('#email-outbox'));
  });
  onClick($('#email-read-outbox'), () => fillFromOutbox(email, EMAIL_CODE, confirmForm, $('#email-outbox')));

  onSubmit(confirmForm, async ({ code }) => {
    await api('POST', '/api/verifications/school-email/confirm', { code: code.trim().toUpperCase() });
    confirmForm.hidden = true;
    toast(t('me.emailVerified'));
    await onVerified();
  });
}

/** Shows or hides the e-mail step for the member from GET /api/me. */
export function showVerification(me) {
  $('#verified-badge').hidden = !me.studentVerified;
  $('#verify-card').hidden = me.studentVerified;
}
