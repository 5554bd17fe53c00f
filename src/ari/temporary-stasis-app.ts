import WebSocket from 'ws';
import type { Clock } from '../calls/ports.js';
import type { ProbeResult } from '../setup/setup-checks.js';
import type { AriHttp } from './ari-rest.js';

/** A Stasis app that exists while its websocket is open. */
export interface TemporaryStasisApp {
  /** Closes the websocket, which unregisters the app. Never rejects. */
  close(): Promise<void>;
}

/**
 * Registers a short-lived Stasis app by opening an ARI events websocket for it.
 * Asterisk hangs up a channel created for an app that no websocket holds, so the doctor
 * needs its own app to keep a temporary channel alive, whether or not dialstate runs.
 * A name of its own also keeps the doctor's channel away from a running dialstate.
 */
export function openTemporaryStasisApp(options: {
  /** Where ARI is and the credentials, shared with the REST requests. */
  http: AriHttp;
  app: string;
  clock: Clock;
  /** Limit for the websocket handshake (ms). */
  timeoutMs: number;
}): Promise<ProbeResult<TemporaryStasisApp>> {
  const url = options.http.eventsUrl(options.app);
  const where = `websocket ${url}`;
  return new Promise((resolve) => {
    const socket = new WebSocket(url, {
      headers: { authorization: options.http.authorization },
      handshakeTimeout: options.timeoutMs,
    });
    // Errors after the outcome is settled (e.g. the server going away) have nowhere to go.
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (/handshake has timed out/i.test(error.message)) {
        resolve({
          ok: false,
          reason: 'timeout',
          message: `${where}: no answer within ${options.timeoutMs} ms`,
        });
        return;
      }
      resolve({
        ok: false,
        reason: 'unreachable',
        message: `${where}: ${error.code ?? error.message}`,
      });
    });
    socket.once('unexpected-response', (request, response) => {
      const status = response.statusCode ?? 0;
      response.resume();
      request.destroy();
      resolve({
        ok: false,
        reason: status === 401 ? 'unauthorized' : status === 403 ? 'forbidden' : 'unexpected',
        message: `${where} answered ${status} instead of opening`,
      });
    });
    socket.once('open', () =>
      resolve({ ok: true, value: { close: () => closeSocket(socket, options.clock) } }),
    );
  });
}

function closeSocket(socket: WebSocket, clock: Clock): Promise<void> {
  if (socket.readyState === WebSocket.CLOSED) return Promise.resolve();
  return new Promise((resolve) => {
    // A peer that never completes the closing handshake must not keep the doctor waiting.
    const timer = clock.setTimeout(() => socket.terminate(), 2_000);
    socket.once('close', () => {
      clock.clearTimeout(timer);
      resolve();
    });
    socket.close();
  });
}
