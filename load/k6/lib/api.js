// HTTP helpers for the Distance API (docs/api.md): JSON requests with a stable `name`
// tag per route, sign-up through the Development outbox, login, school-e-mail verification and
// opening a room. Functions return null (after a failed k6 check) instead of throwing, so a
// scenario iteration can count the failure and go on; setup code throws on null.

import http from 'k6/http';
import { check, sleep } from 'k6';
import { SharedArray } from 'k6/data';
import { DEV_OUTBOX, MEMBERS_FILE, PASSWORD, SCHOOL_CODE, SCHOOL_DOMAIN, intEnv, nodeAt } from './config.js';

// ---------------------------------------------------------------- requests

function params(name, token) {
    const headers = { 'Content-Type': 'application/json' };
    if (token) headers.Authorization = `Bearer ${token}`;
    // The name tag groups every request of a route under one label in metrics and thresholds
    // (URLs differ by id and query string).
    return { headers, tags: { name } };
}

export function post(base, path, body, name, token) {
    return http.post(base + path, body === null ? null : JSON.stringify(body), params(name, token));
}

export function put(base, path, body, name, token) {
    return http.put(base + path, JSON.stringify(body), params(name, token));
}

export function get(base, path, name, token) {
    return http.get(base + path, params(name, token));
}

/** The JSON body of a response, or null when there is none or it is not JSON. */
export function json(res) {
    try {
        return res.json();
    } catch (e) {
        return null;
    }
}

const MAX_LOGGED_FAILURES = intEnv('LOG_FAILURES', 10);
let loggedFailures = 0; // per VU: each VU has its own copy of this module

/** A k6 check that `res` has one of the `expected` statuses; the first few misses are logged. */
export function expectStatus(res, expected, what) {
    const statuses = Array.isArray(expected) ? expected : [expected];
    const ok = check(res, { [`${what}: ${statuses.join('/')}`]: (r) => statuses.includes(r.status) });
    if (!ok && loggedFailures < MAX_LOGGED_FAILURES) {
        loggedFailures++;
        const body = String(res.body || res.error || '').slice(0, 300);
        console.warn(`${what}: ${res.request.method} ${res.url} answered ${res.status}: ${body}`);
    }
    return ok;
}

// ---------------------------------------------------------------- members made by the scripts

/**
 * A Korean mobile number, unique for each n within a run: "010" and 8 digits. The digits
 * start at `seed` (see phoneSeed in config.js) and never start with 0.
 */
export function phoneNumber(seed, n) {
    return '010' + String(10000000 + ((seed + n) % 90000000));
}

const MBTIS = ['INTJ', 'ENFP', 'ISTP', 'ESFJ'];

/** Profile fields for the n-th generated member; even n are male, odd n female. */
export function profile(n) {
    return {
        gender: n % 2 === 0 ? 'male' : 'female',
        schoolCode: SCHOOL_CODE,
        college: '공과대학',
        department: '컴퓨터공학과',
        mbti: MBTIS[n % MBTIS.length],
        character: '차분함',
        // The contract wants 3–5 tags and hobbies in total.
        tags: ['영화', '산책'],
        hobbies: ['독서'],
    };
}

// ---------------------------------------------------------------- the Development outbox

const SMS_CODE = /^[0-9]{6}$/;
const EMAIL_CODE = /^[0-9A-Z]{6}$/;
const OUTBOX_ATTEMPTS = 5;

/**
 * Words of `text` that look like a code. The contract only says the code "stands in text as a
 * separate word", so the text is split on white space and punctuation around each word is
 * dropped. For e-mail codes ([0-9A-Z]{6}) an ordinary upper-case word such as "GACHON" fits
 * the pattern too, so words with a digit come first and the caller tries them in order.
 */
export function codeWords(text, pattern) {
    const words = String(text || '')
        .split(/\s+/)
        .map((word) => word.replace(/^[^0-9A-Za-z]+|[^0-9A-Za-z]+$/g, ''))
        .filter((word) => pattern.test(word));
    const hasDigit = (word) => /[0-9]/.test(word);
    const ordered = words.filter(hasDigit).concat(words.filter((word) => !hasDigit(word)));
    return ordered.filter((word, i) => ordered.indexOf(word) === i);
}

/**
 * Candidate codes from the newest outbox entry for `address` (a phone or an e-mail address).
 * The outbox is read a few times with a short pause in case the message lands just after the
 * request that sent it was answered.
 */
function outboxCodes(base, address, pattern) {
    if (!DEV_OUTBOX) {
        throw new Error('reading a verification code needs GET /dev/outbox (nodes in Development); '
            + 'with DEV_OUTBOX=false give existing members in MEMBERS_FILE instead');
    }
    for (let attempt = 1; attempt <= OUTBOX_ATTEMPTS; attempt++) {
        const res = get(base, `/dev/outbox?to=${encodeURIComponent(address)}`, 'GET /dev/outbox');
        if (res.status === 404) {
            throw new Error('GET /dev/outbox answered 404: run the nodes with ASPNETCORE_ENVIRONMENT=Development');
        }
        const entries = res.status === 200 ? json(res) : null;
        if (Array.isArray(entries) && entries.length > 0) {
            const codes = codeWords(entries[0].text, pattern); // newest first
            if (codes.length > 0) return codes;
        }
        sleep(0.1 * attempt);
    }
    return [];
}

/**
 * Posts each candidate code until one is accepted. A wrong code is a 400 (code_mismatch) and
 * the contract burns a code at its 5th wrong try, so at most 3 candidates are tried.
 */
function confirmFirstAccepted(codes, confirm) {
    for (const code of codes.slice(0, 3)) {
        const res = confirm(code);
        if (res.status !== 400) return res;
    }
    return null;
}

// ---------------------------------------------------------------- account flows

/**
 * Signs a member up: POST /api/verifications/sms → code from the outbox →
 * POST /api/verifications/sms/confirm → POST /api/members. The code is requested on node n
 * and confirmed on node n+1 (the same node when there is one): codes live in Redis, so a
 * multi-node cluster must accept that.
 * Returns { memberId, phone, password, accessToken } or null.
 */
export function signUp(n, phone, fields) {
    const first = nodeAt(n);
    const second = nodeAt(n + 1);

    let res = post(first, '/api/verifications/sms', { phone, purpose: 'signup' }, 'POST /api/verifications/sms');
    if (!expectStatus(res, 202, 'sms code sent')) return null;

    const codes = outboxCodes(second, phone, SMS_CODE);
    res = confirmFirstAccepted(codes, (code) =>
        post(second, '/api/verifications/sms/confirm', { phone, code }, 'POST /api/verifications/sms/confirm'));
    if (res === null || !expectStatus(res, 200, 'sms code confirmed')) return null;
    const verificationToken = (json(res) || {}).verificationToken;

    const body = Object.assign({ verificationToken, password: PASSWORD }, fields);
    res = post(second, '/api/members', body, 'POST /api/members');
    if (!expectStatus(res, 201, 'member created')) return null;
    const created = json(res) || {};
    const member = created.member || {};
    const tokens = created.tokens || {};
    if (!check(created, { 'member created: has memberId and accessToken': () => !!member.memberId && !!tokens.accessToken })) {
        return null;
    }
    return { memberId: member.memberId, phone, password: PASSWORD, accessToken: tokens.accessToken };
}

/** POST /api/auth/login → the tokens object, or null. */
export function login(base, phone, password) {
    const res = post(base, '/api/auth/login', { phone, password }, 'POST /api/auth/login');
    if (!expectStatus(res, 200, 'logged in')) return null;
    const tokens = json(res) || {};
    return check(tokens, { 'logged in: has accessToken': (t) => !!t.accessToken }) ? tokens : null;
}

/** GET /api/me → the member, or null. */
export function me(base, accessToken) {
    const res = get(base, '/api/me', 'GET /api/me', accessToken);
    return expectStatus(res, 200, 'read own profile') ? json(res) : null;
}

/**
 * Makes a member studentVerified: POST /api/verifications/school-email with an address at the
 * school's domain → code from the outbox → POST /api/verifications/school-email/confirm.
 */
export function verifyStudent(base, member) {
    const email = `k6.${member.phone}@${SCHOOL_DOMAIN}`;
    let res = post(base, '/api/verifications/school-email', { email }, 'POST /api/verifications/school-email', member.accessToken);
    if (!expectStatus(res, 202, 'school e-mail code sent')) return false;

    const codes = outboxCodes(base, email, EMAIL_CODE);
    res = confirmFirstAccepted(codes, (code) => post(base, '/api/verifications/school-email/confirm', { code },
        'POST /api/verifications/school-email/confirm', member.accessToken));
    return res !== null && expectStatus(res, 204, 'school e-mail confirmed');
}

/**
 * POST /api/rooms {memberId} by `caller` → the room id. 201 is a new room, 200 one that already
 * joins the two (a rerun with MEMBERS_FILE). 202 (the opponent is full, a request was filed)
 * and 409 (the caller is full) leave no room to chat in, so they count as failures.
 */
export function openRoom(base, caller, opponentId) {
    const res = post(base, '/api/rooms', { memberId: opponentId }, 'POST /api/rooms', caller.accessToken);
    if (!expectStatus(res, [200, 201], 'room opened')) return null;
    return roomIdOf(json(res));
}

/**
 * The contract writes the answer as `{room}`: an object whose `room` field is the room (the
 * shape of an item of GET /api/rooms, with `roomId`). A bare room object is accepted too.
 */
function roomIdOf(body) {
    if (!body) return null;
    const room = body.room || body;
    return room.roomId === undefined ? null : room.roomId;
}

// ---------------------------------------------------------------- members for a run

// Existing accounts from MEMBERS_FILE, read once and shared by all VUs (open() only works in
// the init context, hence here at module level).
const FILE_MEMBERS = MEMBERS_FILE === ''
    ? null
    : new SharedArray('members', () => JSON.parse(open(MEMBERS_FILE)));

/**
 * `count` members with access tokens, for setup(). With MEMBERS_FILE they are logged in from
 * the file (which must hold enough entries); otherwise they are signed up as members
 * seed+first … seed+first+count−1 and, when `studentVerified` is asked for, verified by school
 * e-mail. Requests go round robin over the nodes. Throws when any member cannot be made:
 * a run on half its members would measure something else.
 */
export function prepareMembers(count, seed, first, studentVerified) {
    const members = [];
    for (let i = 0; i < count; i++) {
        const n = first + i;
        const base = nodeAt(n);
        let member;
        if (FILE_MEMBERS !== null) {
            if (n >= FILE_MEMBERS.length) throw new Error(`MEMBERS_FILE has ${FILE_MEMBERS.length} members, the run needs ${first + count}`);
            const account = FILE_MEMBERS[n];
            const tokens = login(base, account.phone, account.password);
            const profileBody = tokens === null ? null : me(base, tokens.accessToken);
            member = profileBody === null ? null : {
                memberId: profileBody.memberId, phone: account.phone, password: account.password,
                accessToken: tokens.accessToken, gender: profileBody.gender,
            };
        } else {
            const fields = profile(n);
            member = signUp(n, phoneNumber(seed, n), fields);
            if (member !== null) member.gender = fields.gender;
            if (member !== null && studentVerified && !verifyStudent(base, member)) member = null;
        }
        if (member === null) throw new Error(`could not prepare member ${n} (see the warnings above)`);
        members.push(member);
    }
    return members;
}
