import type { Logger } from 'pino';
import WebSocket from 'ws';
import type { Clock } from '../calls/ports.js';
import { AriConnectionError } from './ari-errors.js';
import { createAriHttp } from './ari-rest.js';
import { type BackoffPolicy, backoffDelayMs } from './reconnect-backoff.js';

/** The state of the event connection, as subscribers hear it. */
export interface AriConnectionStatus {
  state: 'connected' | 'disconnected' | 'reconnecting';
  /** Why the connection was lost or is being retried; null once connected. */
  reason: string | null;
  /** Epoch ms, from the gateway's clock. */
  at: number;
}

export interface AriEventStreamOptions {
  /** Asterisk's HTTP server root, e.g. `http://127.0.0.1:8088`. */
  baseUrl: string;
  user: string;
  password: string;
  app: string;
  clock: Clock;
  log: Logger;
  /** Back-off before taking the app back after `ApplicationReplaced`. */
  backoff: BackoffPolicy;
  /** Longest wait for a websocket (or a probe) to open (ms). */
  openTimeoutMs: number;
  /** Interval of websocket pings; a ping unanswered by the next one drops the socket (ms, 0 = off). */
  heartbeatMs: number;
  /** Mean interval of the `GET /asterisk/ping` probes while disconnected (ms, ±20 % jitter). */
  probeIntervalMs: number;
  onMessage(raw: unknown): void;
  /**
   * Frames, still as text, that are dropped without being parsed: those nobody reads
   * (see ari-frame-filter.ts). Never drop `ApplicationReplaced`, which the stream reads.
   */
  skipFrame?(text: string): boolean;
  onStatus(status: AriConnectionStatus): void;
  /** After every reconnect (not the first connect). */
  onReconnected(): void;
  /**
   * When given, `ApplicationReplaced` ends the stream for good and calls this, instead
   * of taking the app back: for an app adopted from a dead node, whose owner is back.
   */
  onReplaced?(): void;
}

/** The websocket that carries the app's events: opened once, kept open until closed. */
export interface AriEventStream {
  /** Opens the websocket; rejects with `AriConnectionError` if it does not open in time. */
  open(): Promise<void>;
  close(): void;
}

type Phase = 'idle' | 'opening' | 'connected' | 'lost' | 'closed';

/**
 * Runs the app's event websocket (`/ari/events?app=…`) and keeps it open. While it is
 * down it probes ARI cheaply (`GET /asterisk/ping`, every `probeIntervalMs`, jittered)
 * and opens a new socket as soon as ARI answers, so that the app is back within about
 * one probe interval of Asterisk's return (ari-client's own reconnect backs off to 10 s
 * between tries, and then gives up). It also pings the socket (a half-open one is never
 * closed by itself) and treats `ApplicationReplaced` (fact 22: the socket stays open but
 * hears nothing more) as a lost connection. Frames are passed on as parsed JSON.
 */
export function createAriEventStream(options: AriEventStreamOptions): AriEventStream {
  const { app, clock, log } = options;
  const http = createAriHttp({
    url: options.baseUrl,
    user: options.user,
    password: options.password,
    clock,
  });
  const eventsUrl = http.eventsUrl(app);
  let phase: Phase = 'idle';
  let socket: WebSocket | null = null;
  let replacements = 0;
  let connectedAt = 0;
  let timer: unknown;
  let awaitingPong = false;

  function status(state: AriConnectionStatus['state'], reason: string | null): void {
    options.onStatus({ state, reason, at: clock.now() });
  }

  function schedule(callback: () => void, ms: number): void {
    if (timer !== undefined) clock.clearTimeout(timer);
    timer = clock.setTimeout(() => {
      timer = undefined;
      callback();
    }, ms);
  }

  function cancelTimer(): void {
    if (timer !== undefined) clock.clearTimeout(timer);
    timer = undefined;
  }

  /** Lets go of the socket: `terminate` for a dead one, `close` to say goodbye. */
  function dropSocket(how: 'terminate' | 'close' = 'terminate'): void {
    const dropped = socket;
    socket = null;
    dropped?.removeAllListeners();
    dropped?.on('error', () => {});
    dropped?.[how]();
  }

  /** The connection is gone: say so once, then probe until ARI answers again. */
  function lost(reason: string, retryInMs?: number): void {
    if (phase !== 'connected') return;
    phase = 'lost';
    dropSocket();
    log.warn({ reason }, 'ARI event connection lost');
    status('disconnected', reason);
    status('reconnecting', reason);
    schedule(() => void probe(), retryInMs ?? jittered());
  }

  function jittered(): number {
    return Math.round(options.probeIntervalMs * (0.8 + Math.random() * 0.4));
  }

  async function probe(): Promise<void> {
    if (phase !== 'lost') return;
    const reason = await pingFailure();
    if (phase !== 'lost') return;
    if (reason === null) {
      try {
        await openSocket();
        return;
      } catch (error) {
        if (phase !== 'lost') return;
        status('reconnecting', error instanceof Error ? error.message : String(error));
      }
    } else {
      status('reconnecting', reason);
    }
    schedule(() => void probe(), jittered());
  }

  /** Null when ARI answers the ping; else why not. */
  async function pingFailure(): Promise<string | null> {
    const answer = await http.request('GET', '/asterisk/ping', {
      timeoutMs: Math.max(options.probeIntervalMs * 2, 1_000),
    });
    if (!answer.answered) return `ARI does not answer: ${answer.reason}`;
    const ok = answer.status >= 200 && answer.status < 300;
    return ok ? null : `ARI answered the ping with HTTP ${answer.status}`;
  }

  function openSocket(): Promise<void> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(eventsUrl, {
        headers: { authorization: http.authorization },
        // ws would close the connection (1007) on a text frame that is not valid UTF-8,
        // and events would be lost until the reconnect: decoded with U+FFFD in place of
        // the bad bytes, such a frame is read like any other. Checking every frame's
        // bytes beforehand was also a per-frame cost of its own.
        skipUTF8Validation: true,
      });
      const fail = (error: unknown) => {
        clock.clearTimeout(timeout);
        ws.removeAllListeners();
        ws.on('error', () => {});
        ws.terminate();
        reject(error);
      };
      const timeout = clock.setTimeout(
        () =>
          fail(
            new AriConnectionError(
              `the ARI websocket for app "${app}" did not open within ${options.openTimeoutMs} ms`,
              { reason: 'failed' },
            ),
          ),
        options.openTimeoutMs,
      );
      ws.once('error', (error) =>
        fail(
          new AriConnectionError(`the ARI websocket for app "${app}" failed: ${error.message}`, {
            reason: 'failed',
            cause: error,
          }),
        ),
      );
      ws.once('open', () => {
        clock.clearTimeout(timeout);
        ws.removeAllListeners();
        if (phase === 'closed') {
          ws.terminate();
          reject(new Error('the ARI event stream was closed while opening'));
          return;
        }
        adopt(ws);
        resolve();
      });
    });
  }

  function adopt(ws: WebSocket): void {
    const reconnected = phase === 'lost';
    socket = ws;
    phase = 'connected';
    connectedAt = clock.now();
    awaitingPong = false;
    ws.on('message', (data) => onFrame(String(data)));
    ws.on('pong', () => {
      awaitingPong = false;
    });
    ws.on('close', (code) => lost(`websocket closed (${code})`));
    ws.on('error', (error) => lost(error.message));
    cancelTimer();
    status('connected', null);
    heartbeat();
    if (reconnected) {
      log.info('ARI event connection restored');
      options.onReconnected();
    }
  }

  function onFrame(text: string): void {
    if (phase !== 'connected') return;
    if (options.skipFrame?.(text)) return;
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (error) {
      log.warn({ err: error }, 'ARI sent a frame that is not JSON');
      return;
    }
    if ((raw as { type?: unknown } | null)?.type === 'ApplicationReplaced') {
      if (options.onReplaced) {
        phase = 'closed';
        cancelTimer();
        dropSocket('close');
        options.onReplaced();
        return;
      }
      // Another websocket took the app over (fact 22). If it is another process with
      // the same app name, taking it back at once would start a tug of war: back off,
      // more each time, unless the app had been ours for a good while.
      if (clock.now() - connectedAt > 2 * options.backoff.maxMs) replacements = 0;
      replacements += 1;
      const delayMs = backoffDelayMs(replacements, options.backoff);
      log.error({ app, delayMs }, 'another connection took over the ARI app; reconnecting');
      lost(`application ${app} replaced by another websocket`, delayMs);
      return;
    }
    options.onMessage(raw);
  }

  function heartbeat(): void {
    if (options.heartbeatMs <= 0 || phase !== 'connected') return;
    schedule(() => {
      if (phase !== 'connected') return;
      if (awaitingPong) {
        lost(`no answer to a websocket ping within ${options.heartbeatMs} ms`);
        return;
      }
      awaitingPong = true;
      socket?.ping();
      heartbeat();
    }, options.heartbeatMs);
  }

  return {
    async open() {
      if (phase !== 'idle') throw new Error(`the ARI event stream is ${phase}`);
      phase = 'opening';
      try {
        await openSocket();
      } catch (error) {
        if (phase === 'opening') phase = 'idle';
        throw error;
      }
    },
    close() {
      if (phase === 'closed') return;
      phase = 'closed';
      cancelTimer();
      dropSocket('close');
    },
  };
}
