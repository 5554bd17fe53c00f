import WebSocket from 'ws';
import type { ProbeResult } from '../setup/setup-checks.js';

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
  /** Asterisk's HTTP server root, e.g. `http://127.0.0.1:8088`. */
  baseUrl: string;
  app: string;
  /** Value of the HTTP `Authorization` header. */
  authorization: string;
  /** Limit for the websocket handshake (ms). */
  timeoutMs: number;
}): Promise<ProbeResult<TemporaryStasisApp>> {
  const url = `${options.baseUrl.replace(/^http/, 'ws')}/ari/events?app=${encodeURIComponent(options.app)}`;
  const where = `websocket ${url}`;
  return new Promise((resolve) => {
    const socket = new WebSocket(url, {
      headers: { authorization: options.authorization },
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
    socket.once('open', () => resolve({ ok: true, value: { close: () => closeSocket(socket) } }));
  });
}

function closeSocket(socket: WebSocket): Promise<void> {
  if (socket.readyState === WebSocket.CLOSED) return Promise.resolve();
  return new Promise((resolve) => {
    // A peer that never completes the closing handshake must not keep the doctor waiting.
    const timer = setTimeout(() => socket.terminate(), 2_000);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.close();
  });
}
