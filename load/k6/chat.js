/*
 * Chat over SignalR: 1:1 rooms whose two members sit on different nodes, sending messages at a
 * fixed rate, measuring send → MessageReceived delivery latency across the Redis backplane.
 *
 * Server setup this script expects
 *   - Two or more nodes sharing Redis and MariaDB, in the Development environment (the sign-up
 *     and the school e-mail check read codes from GET /dev/outbox):
 *         DISTANCE_BASE_PORT=5000 scripts/cluster.sh up 2     # nodes on 127.0.0.1:5001 and :5002
 *         k6 run -e BASE_URLS=http://127.0.0.1:5001,http://127.0.0.1:5002 load/k6/chat.js
 *     With one URL the script still runs, but both members share a node and nothing crosses
 *     the backplane.
 *   - Limits raised for a load test. The contract's sign-up limits (≤ 100 SMS codes a day per
 *     client IP; k6 sends everything from one IP) stop setup() after 100 members, i.e. 50
 *     pairs. Messages are sent at RATE_PER_PAIR / 2 per member per second, which must stay
 *     under the per-member SendMessage limit (`rate_limited`). UNKNOWN: the configuration keys
 *     of both limits are not fixed by docs/api.md and did not exist in the code when this was
 *     written; look them up in the rate-limiting feature's docs and raise them through the
 *     nodes' environment (Section__Key=value) before `cluster.sh up`.
 *   - Access tokens made in setup() live 30 minutes (Jwt__AccessTokenLifetime, at most 1 day):
 *     keep the run plus setup below that, or raise it on the nodes.
 *
 * Requires k6 v1.6 or later (k6/websockets; before v1.6 the same module was
 * k6/experimental/websockets). One VU drives one room: both members' connections live in
 * the same VU, so send and receive times come from one clock.
 *
 * Open model: each room sends message k at start + k / RATE_PER_PAIR, whatever happened to the
 * messages before it (no waiting for acks). If k6 cannot keep up, the sends go out late and
 * chat_send_lag shows it: a run whose send lag fails its threshold measured the load
 * generator, not the server.
 *
 * Messages of the first WARMUP_S seconds count for loss and errors but not for latency.
 *
 * Environment: BASE_URLS, PAIRS (50), RATE_PER_PAIR (2 msg/s), DURATION_S (60), WARMUP_S (5),
 * GRACE_S (10), TEXT_LENGTH (40), SETUP_TIMEOUT, PHONE_SEED, DEV_OUTBOX, MEMBERS_FILE (see
 * README.md).
 */

import exec from 'k6/execution';
import { Counter, Trend } from 'k6/metrics';
import { setTimeout } from 'k6/timers';
import { NODES, SETUP_TIMEOUT, SUMMARY_TREND_STATS, intEnv, nodeAt, numberEnv, phoneSeed } from './lib/config.js';
import { openRoom, prepareMembers } from './lib/api.js';
import { connectHub } from './lib/signalr.js';

const PAIRS = intEnv('PAIRS', 50);
const RATE_PER_PAIR = numberEnv('RATE_PER_PAIR', 2);
const DURATION_S = intEnv('DURATION_S', 60);
const GRACE_S = intEnv('GRACE_S', 10);
const WARMUP_S = intEnv('WARMUP_S', 5);
const TEXT_LENGTH = intEnv('TEXT_LENGTH', 40); // the contract allows 1–500 characters

const MESSAGES_PER_PAIR = Math.floor(DURATION_S * RATE_PER_PAIR);
// Messages of the first WARMUP_S seconds are checked for loss but left out of the latency
// figures: the first seconds after start carry JIT and connection-pool tails.
const WARMUP_MESSAGES = Math.floor(WARMUP_S * RATE_PER_PAIR);
if (TEXT_LENGTH < 1 || TEXT_LENGTH > 500) throw new Error('TEXT_LENGTH must be 1–500 (the contract\'s limit)');
if (MESSAGES_PER_PAIR <= WARMUP_MESSAGES) throw new Error('DURATION_S must be longer than WARMUP_S');

export const options = {
    setupTimeout: SETUP_TIMEOUT,
    scenarios: {
        chat: {
            executor: 'per-vu-iterations', // a room is a long-lived pair of sockets, not a request
            vus: PAIRS,
            iterations: 1,
            maxDuration: `${DURATION_S + GRACE_S + 120}s`,
            gracefulStop: '30s',
        },
    },
    thresholds: {
        // The target of issue 7: p99 ≤ 100 ms from send to delivery on the other node.
        chat_delivery_latency: ['p(99)<100'],
        // The ack means the message is durable (persisted), so it is a latency users feel too.
        chat_ack_latency: ['p(99)<100'],
        // Every message offered was delivered to the opponent: none lost, none failed.
        chat_messages_delivered: [`count>=${PAIRS * MESSAGES_PER_PAIR}`],
        chat_messages_lost: ['count==0'],
        chat_messages_unacked: ['count==0'],
        chat_messages_duplicated: ['count==0'],
        chat_errors: ['count==0'],
        // Health of the load generator itself (see the header).
        chat_send_lag: ['p(99)<20'],
        http_req_failed: ['rate<0.01'],
        checks: ['rate>0.99'],
    },
    summaryTrendStats: SUMMARY_TREND_STATS,
};

const deliveryLatency = new Trend('chat_delivery_latency', true); // send → the opponent's MessageReceived
const echoLatency = new Trend('chat_echo_latency', true); // send → the sender's own MessageReceived
const ackLatency = new Trend('chat_ack_latency', true); // send → the SendMessage completion
const sendLag = new Trend('chat_send_lag', true); // due time → actual send
const sent = new Counter('chat_messages_sent');
const acked = new Counter('chat_messages_acked');
const delivered = new Counter('chat_messages_delivered');
const lost = new Counter('chat_messages_lost'); // acked, never delivered to the opponent
const unacked = new Counter('chat_messages_unacked'); // neither ack nor error by the end
const duplicated = new Counter('chat_messages_duplicated');
const errors = new Counter('chat_errors'); // tagged with code: a hub error code, timeout, connection_closed, …

export function setup() {
    if (NODES.length < 2) {
        console.warn('BASE_URLS names one node: both members of each room connect to it, so no message crosses the backplane');
    }
    // Both members are verified students, although only the one who opens the room must be.
    const members = prepareMembers(PAIRS * 2, phoneSeed(), 0, true);
    const pairs = [];
    for (let i = 0; i < PAIRS; i++) {
        const a = members[2 * i];
        const b = members[2 * i + 1];
        const roomId = openRoom(nodeAt(i), a, b.memberId);
        if (roomId === null) throw new Error(`could not open a room for pair ${i} (see the warnings above)`);
        pairs.push({ roomId, a: { accessToken: a.accessToken }, b: { accessToken: b.accessToken } });
    }
    return { pairs };
}

export default async function (data) {
    const index = exec.scenario.iterationInTest; // 0 … PAIRS−1, one iteration per VU
    const pair = data.pairs[index];
    const roomId = pair.roomId;
    const probe = newProbe(roomId);

    // Member a on node i, member b on node i+1: with two or more nodes, never the same one.
    let a = null;
    let b = null;
    try {
        a = await connectHub(nodeAt(index), pair.a.accessToken, probe.options('a'));
        b = await connectHub(nodeAt(index + 1), pair.b.accessToken, probe.options('b'));
        // The contract: call SyncRoom for each room after connecting. It also tells us the
        // room's groups are joined: the server handles invocations only after OnConnectedAsync,
        // where the joins happen, has finished. Sending earlier could lose messages by design.
        await Promise.all([a.invoke('SyncRoom', [roomId, 0]), b.invoke('SyncRoom', [roomId, 0])]);
    } catch (error) {
        errors.add(1, { code: error.code || 'connect_failed' });
        console.warn(`pair ${index}: ${error.message}`);
        probe.stopCounting();
        if (a !== null) a.close();
        if (b !== null) b.close();
        return;
    }

    await sendOnSchedule((k, lag) => probe.send(k % 2 === 0 ? a : b, k % 2 === 0 ? 'a' : 'b', k >= WARMUP_MESSAGES, lag));
    await pause(GRACE_S * 1000); // time for the last messages to arrive
    probe.finish();
    a.close();
    b.close();
}

/**
 * Calls send(k, lag) for k = 0 … MESSAGES_PER_PAIR−1 at start + k·interval, then resolves;
 * lag is how late the call is against that due time. Each due time follows from the start, not
 * from the previous send (open model). A random phase spreads the rooms over the interval
 * instead of firing them all at the same instant.
 */
function sendOnSchedule(send) {
    const interval = 1000 / RATE_PER_PAIR;
    const start = Date.now() + Math.random() * interval;
    let k = 0;
    return new Promise((resolve) => {
        function tick() {
            const now = Date.now();
            while (k < MESSAGES_PER_PAIR && start + k * interval <= now) {
                send(k, now - (start + k * interval));
                k++;
            }
            if (k >= MESSAGES_PER_PAIR) {
                resolve();
                return;
            }
            setTimeout(tick, Math.max(0, start + k * interval - Date.now()));
        }
        setTimeout(tick, Math.max(0, start - Date.now()));
    });
}

function pause(ms) {
    return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * The bookkeeping of one room: which messages are in flight, when they were sent, and whether
 * the ack, the opponent's copy and the sender's own copy have arrived.
 */
function newProbe(roomId) {
    const inFlight = {}; // clientMessageId → { from, sentAt, acked, delivered, echoed }
    let finished = false;

    // A message whose ack and both copies have arrived is forgotten, which keeps memory flat
    // over long runs. Its id stays in a ring of the last RECENT ids, so that a copy arriving
    // again (a duplicate) is still recognised.
    const RECENT = 4096;
    const recentIds = new Set();
    const ring = new Array(RECENT);
    let ringNext = 0;

    function forgetIfDone(id, entry) {
        if (!(entry.acked && entry.delivered && entry.echoed)) return;
        delete inFlight[id];
        if (ring[ringNext] !== undefined) recentIds.delete(ring[ringNext]);
        ring[ringNext] = id;
        recentIds.add(id);
        ringNext = (ringNext + 1) % RECENT;
    }

    function onMessageReceived(side) {
        return (args, receivedAt) => {
            const message = args[0];
            if (!message || String(message.roomId) !== String(roomId)) return;
            const entry = inFlight[message.clientMessageId];
            if (!entry) {
                if (recentIds.has(message.clientMessageId)) duplicated.add(1);
                return; // otherwise not sent in this run (e.g. an older message of a reused room)
            }
            const latency = receivedAt - entry.sentAt;
            if (side === entry.from) {
                if (entry.echoed) duplicated.add(1);
                else if (entry.measured) echoLatency.add(latency);
                entry.echoed = true;
            } else {
                if (entry.delivered) duplicated.add(1);
                else {
                    if (entry.measured) deliveryLatency.add(latency);
                    delivered.add(1);
                }
                entry.delivered = true;
            }
            forgetIfDone(message.clientMessageId, entry);
        };
    }

    return {
        options(side) {
            return {
                handlers: { MessageReceived: onMessageReceived(side) },
                onClose: (event) => {
                    if (!finished) errors.add(1, { code: 'connection_closed' });
                    if (!finished) console.warn(`room ${roomId}: member ${side}'s connection closed early (code ${event.code})`);
                },
            };
        },

        /** Sends one message; `measured` is false during the warm-up (no latency samples). */
        send(connection, from, measured, lag) {
            const clientMessageId = uuidv4();
            const sentAt = Date.now();
            const entry = { from, sentAt, measured, acked: false, delivered: false, echoed: false };
            if (measured) sendLag.add(lag);
            inFlight[clientMessageId] = entry;
            sent.add(1);
            connection.invoke('SendMessage', [{ roomId, clientMessageId, text: textOf(clientMessageId) }])
                .then((completion) => {
                    entry.acked = true;
                    acked.add(1);
                    if (measured) ackLatency.add(completion.completedAt - sentAt);
                    forgetIfDone(clientMessageId, entry);
                })
                .catch((error) => {
                    if (finished) return; // counted as unacked by finish()
                    errors.add(1, { code: error.code || 'unknown' });
                    delete inFlight[clientMessageId];
                });
        },

        /** From now on, closed connections and failed calls are expected and not errors. */
        stopCounting() {
            finished = true;
        },

        /** Counts what never arrived; called once the grace period is over. */
        finish() {
            finished = true;
            let lostCount = 0;
            let unackedCount = 0;
            for (const id of Object.keys(inFlight)) {
                const entry = inFlight[id];
                if (!entry.acked) unackedCount++;
                else if (!entry.delivered) lostCount++;
            }
            // Adding zeros gives the thresholds on these counters a sample to judge.
            lost.add(lostCount);
            unacked.add(unackedCount);
            duplicated.add(0);
            errors.add(0);
        },
    };
}

/** A message text of TEXT_LENGTH characters (no white space to trim) that names the message. */
function textOf(clientMessageId) {
    return (`k6-${clientMessageId}-` + 'x'.repeat(TEXT_LENGTH)).slice(0, TEXT_LENGTH);
}

/** A random (version 4) UUID for clientMessageId: the contract asks for a client-made UUID. */
function uuidv4() {
    let hex = '';
    for (let i = 0; i < 32; i++) hex += Math.floor(Math.random() * 16).toString(16);
    const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
