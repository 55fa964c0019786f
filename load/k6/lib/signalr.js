// A minimal SignalR client for k6: the JSON hub protocol over a WebSocket, no reconnects,
// no streaming, no MessagePack. Enough to call hub methods and receive server invocations.
//
// The protocol, as ASP.NET Core SignalR speaks it:
//   1. POST {hub}/negotiate?negotiateVersion=1 (with the bearer token) answers
//      {connectionId, connectionToken, negotiateVersion, availableTransports}. From version 1 on,
//      the connectionToken (not the connectionId) names the connection to the transport.
//   2. Open ws(s)://{host}{hub}?id={connectionToken}&access_token={token} on the SAME node: the
//      connection the negotiate call created lives in that node's memory.
//   3. Send the handshake {"protocol":"json","version":1} followed by the record separator
//      0x1E. The server answers {} (or {"error": "..."}) followed by 0x1E.
//   4. From then on every message is a JSON object followed by 0x1E; one WebSocket frame may hold
//      several. `type` says what it is:
//        1 Invocation   {type, invocationId?, target, arguments}: a call. The server's calls to
//                       us (e.g. MessageReceived) carry no invocationId: no answer is expected.
//        3 Completion   {type, invocationId, result? | error?}: the answer to our invocation.
//        6 Ping         {type}: keep-alive, sent by the server every 15 s by default. Nothing
//                       to answer. SignalR documents that the server drops a client it has not
//                       heard from within ClientTimeoutInterval (30 s), so like the official
//                       clients we send our own ping when we have been quiet. (A .NET 10 node
//                       here kept a silent client for 75 s; the pings are cheap either way.)
//        7 Close        {type, error?, allowReconnect?}: the server is closing the connection.
//        2/4/5 belong to streaming and 8/9 to stateful reconnect; this client asks for neither.
//
// A hub method that throws HubException("rate_limited") reaches the client as the completion
// error "An unexpected error occurred invoking 'SendMessage' on the server. HubException:
// rate_limited": SignalR wraps the message. hubErrorCode() recovers the code.

import http from 'k6/http';
import { WebSocket } from 'k6/websockets';
import { clearInterval, clearTimeout, setInterval, setTimeout } from 'k6/timers';

const RS = '\x1e';
const OPEN = 1; // WebSocket readyState

export const MessageType = { Invocation: 1, Completion: 3, Ping: 6, Close: 7 };

/** The contract's error code inside a SignalR completion error (see the comment above). */
export function hubErrorCode(error) {
    const match = /HubException: ([\s\S]*)$/.exec(String(error));
    return (match ? match[1] : String(error)).trim();
}

function hubError(code, detail) {
    const error = new Error(detail ? `${code}: ${detail}` : code);
    error.code = code;
    return error;
}

/**
 * Connects to the hub at `baseUrl` + `options.hubPath` as the holder of `accessToken`.
 * Returns a Promise of a connection once the handshake is answered; rejects (error.code =
 * negotiate_failed, handshake_failed, connection_closed) otherwise.
 *
 * options:
 *   hubPath              '/hubs/chat'
 *   handlers             { MessageReceived(args, receivedAt) { … }, … } for server invocations;
 *                        `receivedAt` is when k6 read the frame (ms since the epoch, fractional)
 *   onClose(event)       called once when the socket closes, whoever closed it
 *   invocationTimeoutMs  an invocation without a completion after this long fails with `timeout`
 *   keepAliveMs          send a ping when nothing was sent for this long (below the server's 30 s)
 *
 * The connection: invoke(target, args) → Promise<{ result, completedAt }> (rejects with
 * error.code = the hub error code, timeout or connection_closed); close(); isOpen().
 */
export function connectHub(baseUrl, accessToken, options) {
    const opts = Object.assign({
        hubPath: '/hubs/chat',
        handlers: {},
        onClose: () => {},
        invocationTimeoutMs: 10000,
        keepAliveMs: 10000,
        handshakeTimeoutMs: 10000,
    }, options);

    // 1. negotiate
    const negotiate = http.post(`${baseUrl}${opts.hubPath}/negotiate?negotiateVersion=1`, null, {
        headers: { Authorization: `Bearer ${accessToken}` },
        tags: { name: `POST ${opts.hubPath}/negotiate` },
    });
    let negotiated = null;
    try {
        negotiated = negotiate.json();
    } catch (e) {
        negotiated = null;
    }
    if (negotiate.status !== 200 || negotiated === null || negotiated.error) {
        const why = negotiated && negotiated.error ? negotiated.error : `status ${negotiate.status}`;
        return Promise.reject(hubError('negotiate_failed', why));
    }
    const connectionToken = negotiated.connectionToken || negotiated.connectionId;

    // 2. open the WebSocket. The name tag stands in for the URL in k6's metrics, which would
    // otherwise carry the access token and make a distinct series for every connection.
    const url = `${baseUrl.replace(/^http/, 'ws')}${opts.hubPath}`
        + `?id=${encodeURIComponent(connectionToken)}&access_token=${encodeURIComponent(accessToken)}`;
    const socket = new WebSocket(url, null, { tags: { name: `ws ${opts.hubPath}` } });

    const pending = {}; // invocationId → { resolve, reject, sentAt }
    let nextInvocationId = 1;
    let lastSentAt = Date.now();
    let buffer = '';
    let handshakeDone = false;
    let abandoned = false; // the handshake timed out: whatever the socket does later is ignored
    let housekeeping = null;
    let handshakeTimer = null;

    // k6 queues a close frame even for a socket that is still connecting, and that queue is
    // only drained once the connection is up; so only an open socket is closed here.
    function closeSocket() {
        if (socket.readyState === OPEN) socket.close();
    }

    function write(message) {
        socket.send(JSON.stringify(message) + RS);
        lastSentAt = Date.now();
    }

    function failPending(code, detail) {
        for (const id of Object.keys(pending)) {
            const call = pending[id];
            delete pending[id];
            call.reject(hubError(code, detail));
        }
    }

    // Once a second: fail invocations that waited too long, and keep the connection alive.
    function tick() {
        const now = Date.now();
        for (const id of Object.keys(pending)) {
            if (now - pending[id].sentAt >= opts.invocationTimeoutMs) {
                const call = pending[id];
                delete pending[id];
                call.reject(hubError('timeout', `no completion for invocation ${id}`));
            }
        }
        if (socket.readyState === OPEN && now - lastSentAt >= opts.keepAliveMs) {
            write({ type: MessageType.Ping });
        }
    }

    const connection = {
        invoke(target, args) {
            if (socket.readyState !== OPEN) {
                return Promise.reject(hubError('connection_closed', `cannot invoke ${target}`));
            }
            const invocationId = String(nextInvocationId++);
            const result = new Promise((resolve, reject) => {
                pending[invocationId] = { resolve, reject, sentAt: Date.now() };
            });
            write({ type: MessageType.Invocation, invocationId, target, arguments: args });
            return result;
        },
        close() {
            if (housekeeping !== null) clearInterval(housekeeping);
            housekeeping = null;
            closeSocket();
        },
        isOpen() {
            return socket.readyState === OPEN && handshakeDone;
        },
    };

    function dispatch(message, receivedAt) {
        switch (message.type) {
        case MessageType.Invocation: {
            const handler = opts.handlers[message.target];
            if (handler) handler(message.arguments || [], receivedAt);
            break;
        }
        case MessageType.Completion: {
            const call = pending[message.invocationId];
            if (!call) break; // already timed out
            delete pending[message.invocationId];
            if (message.error !== undefined && message.error !== null) {
                call.reject(hubError(hubErrorCode(message.error), message.error));
            } else {
                call.resolve({ result: message.result, completedAt: receivedAt });
            }
            break;
        }
        case MessageType.Close:
            failPending('connection_closed', message.error || 'the server closed the connection');
            closeSocket();
            break;
        default:
            break; // Ping, and kinds this client never asks for
        }
    }

    return new Promise((resolve, reject) => {
        handshakeTimer = setTimeout(() => {
            abandoned = true;
            reject(hubError('handshake_failed', `no handshake answer within ${opts.handshakeTimeoutMs} ms`));
            closeSocket();
        }, opts.handshakeTimeoutMs);

        // 3. the handshake
        socket.onopen = () => {
            if (abandoned) {
                closeSocket();
                return;
            }
            socket.send(JSON.stringify({ protocol: 'json', version: 1 }) + RS);
            lastSentAt = Date.now();
        };

        // 4. messages. An exception thrown here would make k6 drop the connection, so bad input
        // is reported through the usual channels instead.
        socket.onmessage = (event) => {
            if (abandoned) return;
            const receivedAt = typeof event.timestamp === 'number' ? event.timestamp : Date.now();
            buffer += event.data;
            const records = buffer.split(RS);
            buffer = records.pop(); // text after the last separator: the start of an unfinished message
            for (const record of records) {
                let message;
                try {
                    message = JSON.parse(record);
                } catch (e) {
                    console.warn(`hub sent a record that is not JSON: ${record.slice(0, 200)}`);
                    continue;
                }
                if (!handshakeDone) {
                    // The first record is the handshake answer: {} or {"error": "..."}.
                    clearTimeout(handshakeTimer);
                    if (message.error) {
                        abandoned = true;
                        reject(hubError('handshake_failed', message.error));
                        closeSocket();
                        return;
                    }
                    handshakeDone = true;
                    housekeeping = setInterval(tick, 1000);
                    resolve(connection);
                    continue;
                }
                dispatch(message, receivedAt);
            }
        };

        socket.onerror = (event) => {
            console.warn(`hub socket error on ${baseUrl}: ${event.error}`);
        };

        socket.onclose = (event) => {
            clearTimeout(handshakeTimer);
            if (housekeeping !== null) clearInterval(housekeeping);
            housekeeping = null;
            failPending('connection_closed', `socket closed (code ${event.code})`);
            if (!handshakeDone) reject(hubError('connection_closed', `socket closed before the handshake (code ${event.code})`));
            opts.onClose(event);
        };
    });
}
