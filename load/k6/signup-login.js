/*
 * Sign-up and login: new students signing up (SMS code → confirm → profile) and existing ones
 * logging in, each at its own fixed arrival rate (open model: constant-arrival-rate).
 *
 * Server setup this script expects
 *   - One or more nodes sharing Redis and MariaDB, in the Development environment: the SMS
 *     code is read from GET /dev/outbox (404 outside Development), e.g.
 *         DISTANCE_BASE_PORT=5000 scripts/cluster.sh up 2
 *         k6 run -e BASE_URLS=http://127.0.0.1:5001,http://127.0.0.1:5002 load/k6/signup-login.js
 *     With two or more nodes each sign-up asks for its code on one node and confirms it on the
 *     next: the contract keeps codes in Redis, so that must work.
 *   - Limits raised for a load test: the contract allows ≤ 100 SMS codes a day per client IP,
 *     and k6 sends everything from one IP, so the default rate (2/s) hits 429 too_many_codes
 *     after less than a minute. Login may be rate limited too (per IP or per phone). UNKNOWN:
 *     the configuration keys of these limits are not fixed by docs/api.md and did not exist in
 *     the code when this was written; look them up in the accounts / rate-limiting features'
 *     docs and raise them through the nodes' environment (Section__Key=value).
 *     The per-phone limits (one code per 60 s, 5 a day) do not matter: every sign-up uses a
 *     new number.
 *
 * Without the Development outbox (DEV_OUTBOX=false), set SIGNUP_RATE=0 and give MEMBERS_FILE:
 * only the login scenario runs.
 *
 * Creating a member and logging in hash or verify a password; that cost depends on the
 * accounts feature's hashing settings, so those routes get a wider latency threshold than
 * the code routes. Revisit both once the hashing parameters are measured.
 *
 * Environment: BASE_URLS, SIGNUP_RATE (2/s), LOGIN_RATE (10/s), DURATION (1m),
 * LOGIN_MEMBERS (20), SETUP_TIMEOUT, PHONE_SEED, DEV_OUTBOX, MEMBERS_FILE (see README.md).
 */

import exec from 'k6/execution';
import { Counter, Trend } from 'k6/metrics';
import {
    DEV_OUTBOX, SETUP_TIMEOUT, SUMMARY_TREND_STATS, arrivalScenario, env, intEnv, nodeAt, phoneSeed, scenarios,
} from './lib/config.js';
// `login` is also the name of a scenario function below, hence the alias.
import { login as logIn, phoneNumber, prepareMembers, profile, signUp } from './lib/api.js';

const SIGNUP_RATE = intEnv('SIGNUP_RATE', 2);
const LOGIN_RATE = intEnv('LOGIN_RATE', 10);
const DURATION = env('DURATION', '1m');
const LOGIN_MEMBERS = intEnv('LOGIN_MEMBERS', 20);

if (SIGNUP_RATE > 0 && !DEV_OUTBOX) throw new Error('signing up needs the Development outbox: with DEV_OUTBOX=false set SIGNUP_RATE=0');
if (LOGIN_RATE > 0 && LOGIN_MEMBERS < 1) throw new Error('LOGIN_MEMBERS must be at least 1 when LOGIN_RATE > 0');

export const options = {
    setupTimeout: SETUP_TIMEOUT,
    // A rate of 0 leaves that scenario out. A sign-up is four requests, one of them hashing.
    scenarios: scenarios({
        signup: arrivalScenario('signup', SIGNUP_RATE, DURATION, 1),
        login: arrivalScenario('login', LOGIN_RATE, DURATION, 0.3),
    }),
    thresholds: {
        // Scoped to the scenarios so that setup()'s sign-ups do not count.
        'http_req_failed{scenario:signup}': ['rate<0.01'],
        'http_req_failed{scenario:login}': ['rate<0.01'],
        'http_req_duration{scenario:signup,name:POST /api/verifications/sms}': ['p(99)<100'],
        'http_req_duration{scenario:signup,name:POST /api/verifications/sms/confirm}': ['p(99)<100'],
        'http_req_duration{scenario:signup,name:POST /api/members}': ['p(99)<500'],
        'http_req_duration{scenario:login,name:POST /api/auth/login}': ['p(99)<500'],
        signup_failures: ['count==0'],
        // k6 could start every iteration on time (else raise maxVUs: the generator was short).
        dropped_iterations: ['count==0'],
        checks: ['rate>0.99'],
    },
    summaryTrendStats: SUMMARY_TREND_STATS,
};

const signupDuration = new Trend('signup_duration', true); // the whole flow, outbox read included
const signupFailures = new Counter('signup_failures');

export function setup() {
    // Members for the login scenario: numbers seed+0 … seed+LOGIN_MEMBERS−1. The sign-up
    // scenario continues after them, so no number is used twice.
    const seed = phoneSeed();
    const members = LOGIN_RATE > 0 ? prepareMembers(LOGIN_MEMBERS, seed, 0, false) : [];
    return {
        seed,
        firstSignup: LOGIN_MEMBERS,
        members: members.map((member) => ({ phone: member.phone, password: member.password })),
    };
}

export function signup(data) {
    const n = data.firstSignup + exec.scenario.iterationInTest;
    const started = Date.now();
    let member = null;
    try {
        member = signUp(n, phoneNumber(data.seed, n), profile(n));
    } catch (error) {
        console.warn(`sign-up ${n}: ${error.message}`); // e.g. the outbox answered 404
    }
    if (member === null) {
        signupFailures.add(1);
        return;
    }
    signupDuration.add(Date.now() - started);
}

export function login(data) {
    const i = exec.scenario.iterationInTest;
    const member = data.members[i % data.members.length];
    logIn(nodeAt(i), member.phone, member.password);
}
