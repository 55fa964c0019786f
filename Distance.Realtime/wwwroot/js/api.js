// HTTP side of the contract: JSON requests, ProblemDetails errors, and the session's tokens.
//
// Tokens live in sessionStorage, i.e. per browser tab: two windows can be two different members
// (how one person tries a chat on one machine), and two tabs never race to rotate the same
// refresh token, which the server would take for theft (refresh_reused revokes the login).
import { has, t } from './i18n.js';

const STORAGE_KEY = 'distance.session';
// Refresh this long before the access token expires (a quarter of its life at most, for short
// configured lifetimes), so a request never leaves with one that dies in flight; a 401
// token_expired is still handled below (clock skew, a laptop that slept).
const REFRESH_MARGIN_MS = 60_000;

export class ApiError extends Error {
  constructor(status, problem, retryAfter) {
    super(problem?.title || problem?.detail || `HTTP ${status}`);
    this.status = status;
    this.code = problem?.code ?? null;
    this.errors = problem?.errors ?? null;
    this.retryAfter = retryAfter;
  }
}

/** The contract's code of a hub error: HubException's message is exactly the code. */
export function hubCode(error) {
  const match = /([a-z_]+)\s*$/.exec(error?.message ?? '');
  return match && has(`error.${match[1]}`) ? match[1] : null;
}

/** A sentence a student understands, for any failure: an error code, a status, or no network. */
export function describeError(error) {
  if (error instanceof ApiError) {
    if (error.code === 'validation_failed' && error.errors) {
      const fields = Object.keys(error.errors).map(field => (has(`field.${field}`) ? t(`field.${field}`) : field));
      return t('error.validation_failed', { fields: fields.join(', ') });
    }
    if (error.code && has(`error.${error.code}`)) return t(`error.${error.code}`);
    if (error.status === 429) return t('error.http429', { seconds: error.retryAfter ?? 10 });
    if (error.status >= 500) return t('error.http5xx');
    return t('error.other', { status: error.status });
  }
  const code = hubCode(error);
  if (code) return t(`error.${code}`);
  if (error instanceof TypeError) return t('error.network'); // fetch could not reach the server
  return error?.message ?? String(error);
}

let session = loadSession();
let refreshing = null;
const signedOutListeners = new Set();

function loadSession() {
  try { return JSON.parse(sessionStorage.getItem(STORAGE_KEY)); } catch { return null; }
}

export const isSignedIn = () => session !== null;
export const onSignedOut = listener => signedOutListeners.add(listener);

/** Keeps new tokens; the expiry is measured against the server's clock (Date header), not ours. */
function storeTokens(tokens, response) {
  const serverNow = Date.parse(response.headers.get('Date') ?? '') || Date.now();
  const lifetime = Date.parse(tokens.accessTokenExpiresAt) - serverNow;
  session = { ...tokens, localExpiry: Date.now() + lifetime, margin: Math.min(REFRESH_MARGIN_MS, lifetime / 4) };
  sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));
}

export function signOut(reason) {
  const wasSignedIn = session !== null;
  session = null;
  sessionStorage.removeItem(STORAGE_KEY);
  if (wasSignedIn) signedOutListeners.forEach(listener => listener(reason));
}

async function toError(response) {
  let problem = null;
  try { problem = await response.json(); } catch { /* not JSON: keep the status */ }
  return new ApiError(response.status, problem, response.headers.get('Retry-After'));
}

/** One refresh at a time: concurrent callers share it, so the refresh token is rotated once. */
function refresh() {
  refreshing ??= (async () => {
    const response = await fetch('/api/auth/refresh', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ refreshToken: session.refreshToken }),
    });
    if (!response.ok) {
      const error = await toError(response);
      // A refused refresh token means the login is over; a 429 or 503 is only "not now".
      if (response.status === 401 || response.status === 403) signOut(t('session.ended'));
      throw error;
    }
    storeTokens(await response.json(), response);
  })().finally(() => { refreshing = null; });
  return refreshing;
}

/** A valid access token, refreshed first when it is about to expire. Used by the hub too. */
export async function accessToken() {
  if (!session) throw new ApiError(401, { code: 'token_invalid', title: 'Not logged in.' });
  if (session.localExpiry - Date.now() < session.margin) await refresh();
  return session.accessToken;
}

/** Sends one request; resolves to { status, body } for 2xx, rejects with ApiError otherwise. */
export async function request(method, path, body, { auth = true } = {}) {
  for (let attempt = 0; attempt < 2; attempt++) {
    const headers = {};
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (auth) headers.Authorization = `Bearer ${await accessToken()}`;
    const response = await fetch(path, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.ok) {
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : null, response };
    }
    const error = await toError(response);
    if (auth && response.status === 401) {
      if (error.code === 'token_expired' && attempt === 0) { await refresh(); continue; }
      signOut(t('session.ended'));
    }
    throw error;
  }
  throw new ApiError(401, { code: 'token_expired', title: 'The access token keeps expiring.' });
}

/** The roles in the access token (the server adds `operator` for operators' phones). */
export function roles() {
  try {
    const payload = JSON.parse(atob(session.accessToken.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
    const claim = payload.role ?? payload.roles ?? payload['http://schemas.microsoft.com/ws/2008/06/identity/claims/role'] ?? [];
    return [].concat(claim);
  } catch { return []; }
}

export const api = async (method, path, body, options) => (await request(method, path, body, options)).body;

/** Signup or login: both answer with tokens (signup inside { member, tokens }). */
export async function signIn(path, body) {
  const { body: result, response } = await request('POST', path, body, { auth: false });
  storeTokens(result.tokens ?? result, response);
  return result;
}

/**
 * Ends the login on the server too. The access token goes along as it is (no refresh first: that
 * would rotate the very refresh token being revoked); a failure changes nothing locally.
 */
export async function logOut() {
  const current = session;
  signOut();
  if (!current) return;
  try {
    await fetch('/api/auth/logout', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${current.accessToken}` },
      body: JSON.stringify({ refreshToken: current.refreshToken }),
    });
  } catch { /* offline: the refresh token expires on its own */ }
}

/**
 * The newest dev-outbox entry for an address and the code in it. The outbox exists only in
 * Development; the code is a separate word of the text (6 digits for SMS, 6 of [0-9A-Z] for e-mail).
 */
export async function readOutbox(to, codePattern) {
  const entries = await api('GET', `/dev/outbox?to=${encodeURIComponent(to)}`, undefined, { auth: false });
  const newest = entries?.[0];
  if (!newest) return null;
  const words = newest.text.split(/[^0-9A-Za-z]+/).filter(word => codePattern.test(word));
  // Prefer a word with a digit: an all-letter word ("GACHON") is more likely prose than a code.
  const code = words.find(word => /\d/.test(word)) ?? words.at(-1) ?? '';
  return { text: newest.text, code };
}
