/*
 * Location updates and matching: members around one campus move about (PUT /api/me/location)
 * and ask who is near (GET /api/matches), each at its own fixed arrival rate (open model:
 * constant-arrival-rate starts iterations on schedule, however slow the answers are).
 *
 * Server setup this script expects
 *   - One or more nodes sharing Redis and MariaDB, in the Development environment (setup()
 *     signs the members up and reads their SMS codes from GET /dev/outbox), e.g.
 *         DISTANCE_BASE_PORT=5000 scripts/cluster.sh up 2
 *         k6 run -e BASE_URLS=http://127.0.0.1:5001,http://127.0.0.1:5002 load/k6/matching.js
 *     Requests go round robin over the nodes. Against a non-Development deployment set
 *     DEV_OUTBOX=false and MEMBERS_FILE (existing members of one school, both genders).
 *   - Limits raised for a load test: sign-up allows ≤ 100 SMS codes a day per client IP (all of
 *     k6 is one IP), so MEMBERS > 100 needs it raised; each member updates its location
 *     LOCATION_RATE / MEMBERS times a second and asks for matches MATCH_RATE / MEMBERS times a
 *     second, which must stay under any per-member or per-IP HTTP rate limit. UNKNOWN: the
 *     configuration keys of these limits are not fixed by docs/api.md and did not exist in the
 *     code when this was written; look them up in the rate-limiting feature's docs and raise
 *     them through the nodes' environment (Section__Key=value).
 *   - Access tokens made in setup() live 30 minutes (Jwt__AccessTokenLifetime, at most 1 day):
 *     keep the run plus setup below that, or raise it on the nodes.
 *
 * The members are spread over SPREAD_METERS around the campus, half male and half female, all
 * of SCHOOL_CODE, so every member has candidates within RADIUS_METERS (the contract matches
 * the other gender of the same school). matches_found checks that matching answers with
 * somebody, not just with 200.
 *
 * Environment: BASE_URLS, MEMBERS (40), LOCATION_RATE (50/s), MATCH_RATE (20/s), DURATION (1m),
 * RADIUS_METERS (1000), MATCH_COUNT (4), SPREAD_METERS (300), CAMPUS_LAT/CAMPUS_LON (Gachon),
 * SETUP_TIMEOUT, PHONE_SEED, DEV_OUTBOX, MEMBERS_FILE (see README.md).
 */

import exec from 'k6/execution';
import { check } from 'k6';
import { Rate } from 'k6/metrics';
import {
    SETUP_TIMEOUT, SUMMARY_TREND_STATS, arrivalScenario, env, intEnv, nodeAt, numberEnv, phoneSeed, scenarios,
} from './lib/config.js';
import { expectStatus, get, json, prepareMembers, put } from './lib/api.js';

const MEMBERS = intEnv('MEMBERS', 40);
const LOCATION_RATE = intEnv('LOCATION_RATE', 50);
const MATCH_RATE = intEnv('MATCH_RATE', 20);
const DURATION = env('DURATION', '1m');
const RADIUS_METERS = intEnv('RADIUS_METERS', 1000);
const MATCH_COUNT = intEnv('MATCH_COUNT', 4);
const SPREAD_METERS = numberEnv('SPREAD_METERS', 300);
const CAMPUS = { latitude: numberEnv('CAMPUS_LAT', 37.448213), longitude: numberEnv('CAMPUS_LON', 127.12785) };

if (MEMBERS < 2) throw new Error('MEMBERS must be at least 2 (one of each gender)');

export const options = {
    setupTimeout: SETUP_TIMEOUT,
    // A rate of 0 leaves that scenario out.
    scenarios: scenarios({
        locations: arrivalScenario('updateLocation', LOCATION_RATE, DURATION, 0.1),
        matches: arrivalScenario('findMatches', MATCH_RATE, DURATION, 0.1),
    }),
    thresholds: {
        // Issue 7's festival target: p99 ≤ 100 ms, (almost) no errors. Scoped to the scenarios
        // so that setup()'s sign-ups do not count.
        'http_req_duration{scenario:locations}': ['p(99)<100'],
        'http_req_duration{scenario:matches}': ['p(99)<100'],
        'http_req_failed{scenario:locations}': ['rate<0.01'],
        'http_req_failed{scenario:matches}': ['rate<0.01'],
        matches_found: ['rate>0.99'],
        // k6 could start every iteration on time (else raise maxVUs: the generator was short).
        dropped_iterations: ['count==0'],
        checks: ['rate>0.99'],
    },
    summaryTrendStats: SUMMARY_TREND_STATS,
};

const matchesFound = new Rate('matches_found'); // a 200 with at least one match

/** A point up to SPREAD_METERS from the campus, uniform over the disc. */
function nearCampus() {
    const distance = SPREAD_METERS * Math.sqrt(Math.random());
    const bearing = 2 * Math.PI * Math.random();
    const metersPerDegree = 111320;
    return {
        latitude: CAMPUS.latitude + (distance * Math.cos(bearing)) / metersPerDegree,
        longitude: CAMPUS.longitude
            + (distance * Math.sin(bearing)) / (metersPerDegree * Math.cos((CAMPUS.latitude * Math.PI) / 180)),
    };
}

export function setup() {
    const members = prepareMembers(MEMBERS, phoneSeed(), 0, false);
    // Everyone needs a location before asking for matches (else 409 location_unknown).
    members.forEach((member, i) => {
        const res = put(nodeAt(i), '/api/me/location', nearCampus(), 'PUT /api/me/location', member.accessToken);
        if (!expectStatus(res, 204, 'first location stored')) throw new Error(`member ${i} has no location`);
    });
    return { members: members.map((member) => ({ accessToken: member.accessToken })) };
}

// Iteration i acts as member i mod MEMBERS on node i mod nodes, so the members and the nodes
// are used evenly.
function member(data) {
    const n = exec.scenario.iterationInTest;
    return { n, accessToken: data.members[n % data.members.length].accessToken };
}

export function updateLocation(data) {
    const { n, accessToken } = member(data);
    const res = put(nodeAt(n), '/api/me/location', nearCampus(), 'PUT /api/me/location', accessToken);
    expectStatus(res, 204, 'location stored');
}

export function findMatches(data) {
    const { n, accessToken } = member(data);
    const query = `radiusMeters=${RADIUS_METERS}&otherSchools=false&count=${MATCH_COUNT}`;
    const res = get(nodeAt(n), `/api/matches?${query}`, 'GET /api/matches', accessToken);
    if (!expectStatus(res, 200, 'matches listed')) {
        matchesFound.add(false);
        return;
    }
    const body = json(res);
    const matches = body && Array.isArray(body.matches) ? body.matches : null;
    check(matches, {
        'matches listed: at most count, each with member and distanceMeters': (list) => list !== null
            && list.length <= MATCH_COUNT
            && list.every((match) => match.member && typeof match.distanceMeters === 'number'
                && match.distanceMeters > 0 && match.distanceMeters <= RADIUS_METERS),
    });
    matchesFound.add(matches !== null && matches.length > 0);
}
