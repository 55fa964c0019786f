// The /hubs/chat connection: WebSockets first (SignalR's default order), stateful reconnect, the
// access token from api.js on every (re)connect, and a hook that runs after each (re)connect so
// the app can SyncRoom its rooms, as the contract asks.
import { accessToken, ApiError, signOut } from './api.js';
import { t } from './i18n.js';

const signalR = globalThis.signalR;
// After SignalR's own automatic reconnect gives up, start again this many times before asking
// the person to press "reconnect": every wait here is bounded.
const RESTART_DELAYS_MS = [1000, 2000, 5000, 10000, 20000, 30000, 30000, 30000];

export function createHub({ handlers, onState, onConnected }) {
  const connection = new signalR.HubConnectionBuilder()
    .withUrl('/hubs/chat', { accessTokenFactory: () => accessToken() })
    .withAutomaticReconnect([0, 2000, 5000, 10000, 30000])
    .withStatefulReconnect()
    .configureLogging(signalR.LogLevel.Warning)
    .build();

  for (const [name, handler] of Object.entries(handlers)) connection.on(name, handler);

  let stopped = false;
  let restartTimer = null;

  connection.onreconnecting(() => onState('reconnecting'));
  connection.onreconnected(() => { onState('connected'); onConnected(); });
  connection.onclose(() => { if (!stopped) restart(0); });

  async function restart(attempt) {
    if (stopped) return;
    onState(attempt === 0 ? 'connecting' : 'reconnecting');
    try {
      await connection.start();
      onState('connected');
      onConnected();
    } catch (error) {
      // Not logged in any more (refresh refused): api.js has signed out; nothing to retry.
      if (stopped || (error instanceof ApiError && error.status === 401)) return;
      // The negotiate request refused a fresh token: the login was revoked (logout elsewhere,
      // account deactivated or deleted).
      if (error?.statusCode === 401) { signOut(t('session.ended')); return; }
      if (attempt >= RESTART_DELAYS_MS.length) { onState('disconnected'); return; }
      restartTimer = setTimeout(() => restart(attempt + 1), RESTART_DELAYS_MS[attempt]);
    }
  }

  return {
    start: () => { stopped = false; return restart(0); },
    async stop() {
      stopped = true;
      clearTimeout(restartTimer);
      await connection.stop();
    },
    get connected() { return connection.state === signalR.HubConnectionState.Connected; },
    /** Resolves once connected, or after timeoutMs anyway (the caller's invoke then fails). */
    async whenConnected(timeoutMs = 30_000) {
      for (let waited = 0; waited < timeoutMs && connection.state !== signalR.HubConnectionState.Connected; waited += 250) {
        await new Promise(resolve => setTimeout(resolve, 250));
      }
    },
    invoke: (method, ...args) => connection.invoke(method, ...args),
    send: (method, ...args) => connection.send(method, ...args),
  };
}
