// Settings shared by every k6 script, read from environment variables (`k6 run -e NAME=value`
// or exported variables). Each script lists the variables it reads in its header and
// load/k6/README.md describes them all.

/** A string variable, or `fallback` when it is unset or empty. */
export function env(name, fallback) {
    const value = __ENV[name];
    return value === undefined || value === '' ? fallback : value;
}

/** A whole-number variable; a value that is not one stops the script at once. */
export function intEnv(name, fallback) {
    const raw = env(name, undefined);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value)) throw new Error(`${name} must be a whole number, got "${raw}"`);
    return value;
}

/** A number variable (fractions allowed, e.g. a rate of 0.5 per second). */
export function numberEnv(name, fallback) {
    const raw = env(name, undefined);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value)) throw new Error(`${name} must be a number, got "${raw}"`);
    return value;
}

/** A yes/no variable: 1, true, yes (any case) mean yes; 0, false, no mean no. */
export function boolEnv(name, fallback) {
    const raw = env(name, undefined);
    if (raw === undefined) return fallback;
    const lower = raw.toLowerCase();
    if (['1', 'true', 'yes'].includes(lower)) return true;
    if (['0', 'false', 'no'].includes(lower)) return false;
    throw new Error(`${name} must be true or false, got "${raw}"`);
}

/**
 * The Distance nodes under test. BASE_URLS is a comma list (one URL per node, as
 * `scripts/cluster.sh up N` starts them on 127.0.0.1:5001..500N); BASE_URL is the one-node form.
 */
export const NODES = env('BASE_URLS', env('BASE_URL', 'http://127.0.0.1:5001'))
    .split(',')
    .map((url) => url.trim().replace(/\/+$/, ''))
    .filter((url) => url !== '');

if (NODES.length === 0) throw new Error('BASE_URLS (or BASE_URL) names no node');

/** The node for the n-th request, member or connection: round robin over NODES. */
export function nodeAt(n) {
    return NODES[((n % NODES.length) + NODES.length) % NODES.length];
}

/**
 * Whether verification codes can be read from GET /dev/outbox, which exists only when the
 * nodes run in the Development environment. Without it nobody can sign up, so the scripts
 * need MEMBERS_FILE (existing accounts) instead.
 */
export const DEV_OUTBOX = boolEnv('DEV_OUTBOX', true);

/**
 * Optional JSON file of existing accounts, `[{"phone": "01012345678", "password": "..."}]`,
 * used instead of signing up new members (e.g. against a non-Development deployment). For
 * chat.js they must already be studentVerified. Give an absolute path: k6's open() resolves
 * relative paths against the importing module, which is easy to get wrong.
 */
export const MEMBERS_FILE = env('MEMBERS_FILE', '');

/** The school new members join; SCHOOL_DOMAIN must be one of that school's e-mail domains. */
export const SCHOOL_CODE = env('SCHOOL_CODE', 'GACHON');
export const SCHOOL_DOMAIN = env('SCHOOL_DOMAIN', 'gachon.ac.kr');

/** The password every member made by these scripts gets (≥ 8 characters per the contract). */
export const PASSWORD = env('MEMBER_PASSWORD', 'k6-load-Passw0rd');

/**
 * Where the 8 random digits of generated phone numbers start. Each run picks a random seed so
 * that runs against the same database do not collide (a collision shows up as 409
 * phone_taken); set PHONE_SEED to repeat a run's numbers.
 */
export function phoneSeed() {
    return intEnv('PHONE_SEED', Math.floor(Math.random() * 90000000));
}

/** How long setup() may take: signing members up hashes a password each, so it is not instant. */
export const SETUP_TIMEOUT = env('SETUP_TIMEOUT', '10m');

/** Percentiles printed in the end-of-test summary (p(99.9) is part of the chat target). */
export const SUMMARY_TREND_STATS = ['avg', 'min', 'med', 'p(90)', 'p(95)', 'p(99)', 'p(99.9)', 'max', 'count'];

/**
 * A constant-arrival-rate scenario (open model: iterations start on schedule, however slow the
 * answers are) running the exported function `execName` `rate` times a second; `seconds` is
 * about how long one iteration takes. A rate of 0 gives null: the scenario is left out.
 */
export function arrivalScenario(execName, rate, duration, seconds) {
    if (rate === 0) return null;
    if (!(rate > 0)) throw new Error(`the rate of ${execName} must be a positive whole number, got ${rate}`);
    return Object.assign(
        { executor: 'constant-arrival-rate', exec: execName, rate, timeUnit: '1s', duration },
        arrivalVUs(rate, seconds));
}

/** The scenarios of `all` that are not null; k6 needs at least one. */
export function scenarios(all) {
    const chosen = {};
    for (const name of Object.keys(all)) {
        if (all[name] !== null) chosen[name] = all[name];
    }
    if (Object.keys(chosen).length === 0) throw new Error('every scenario has rate 0: nothing to run');
    return chosen;
}

/**
 * VUs for a constant-arrival-rate scenario of `rate` iterations a second whose iterations take
 * about `seconds`: k6 starts iterations on time only while it has an idle VU, so it needs about
 * rate × duration of them (Little's law), here doubled, with room to grow. An iteration k6 could
 * not start is counted in dropped_iterations, which the scripts hold at zero.
 */
export function arrivalVUs(rate, seconds) {
    const needed = Math.ceil(rate * seconds);
    return { preAllocatedVUs: Math.max(2, 2 * needed), maxVUs: Math.max(10, 10 * needed) };
}
