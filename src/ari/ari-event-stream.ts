import type { Client } from 'ari-client';
import type { Logger } from 'pino';
import type { Clock } from '../dialer/ports.js';
import { AriConnectionError } from './ari-errors.js';
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
  app: string;
  clock: Clock;
  log: Logger;
  backoff: BackoffPolicy;
  /** Longest wait for the first websocket to open (ms). */
  openTimeoutMs: number;
  /** Interval of websocket pings; a ping unanswered by the next one drops the socket (ms, 0 = off). */
  heartbeatMs: number;
  onMessage(raw: unknown): void;
  onStatus(status: AriConnectionStatus): void;
  /** After every reconnect (not the first connect). */
  onReconnected(): void;
}

/** The websocket that carries the app's events: opened once, kept open until closed. */
export interface AriEventStream {
  /** Opens the websocket; rejects with `AriConnectionError` if it does not open in time. */
  open(): Promise<void>;
  close(): void;
}

/** ari-client's runtime shape beyond its typings: an EventEmitter with its socket. */
interface ClientRuntime {
  on(event: string, listener: (...args: never[]) => void): unknown;
  _ws?: { terminate?: () => void };
}

type Phase = 'idle' | 'opening' | 'connected' | 'lost' | 'closed';

/**
 * Runs the app's event websocket over ari-client's `start()`, which reconnects on its
 * own after a close (100 ms doubling, ten tries) and says so with
 * `WebSocketReconnecting`/`WebSocketConnected`. This adds what it lacks: a new round of
 * tries with our backoff once it gives up, a heartbeat (a half-open socket is never
 * closed by itself), and `ApplicationReplaced` (fact 22: the socket stays open but
 * hears nothing more) handled as a lost connection.
 */
export function createAriEventStream(
  client: Client,
  options: AriEventStreamOptions,
): AriEventStream {
  const { app, clock, log } = options;
  const runtime = client as unknown as ClientRuntime;
  let phase: Phase = 'idle';
  let retries = 0;
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

  function lost(reason: string): void {
    if (phase === 'connected') {
      phase = 'lost';
      cancelTimer();
      log.warn({ reason }, 'ARI event connection lost');
      status('disconnected', reason);
    }
    if (phase === 'lost') {
      retries += 1;
      status('reconnecting', reason);
    }
  }

  /** Drops the socket at once: ari-client then reconnects by itself. */
  function dropSocket(): void {
    runtime._ws?.terminate?.();
  }

  function startSocket(): Promise<void> {
    return client.start(app).catch((error: unknown) => {
      // ari-client gave up; `WebSocketMaxRetries` starts the next round.
      log.debug({ err: error }, 'ARI websocket start failed');
    });
  }

  function heartbeat(): void {
    if (options.heartbeatMs <= 0 || phase !== 'connected') return;
    schedule(() => {
      if (phase !== 'connected') return;
      if (awaitingPong) {
        lost(`no answer to a websocket ping within ${options.heartbeatMs} ms`);
        dropSocket();
        return;
      }
      awaitingPong = true;
      client.ping();
      heartbeat();
    }, options.heartbeatMs);
  }

  runtime.on('WebSocketConnected', () => {
    if (phase === 'idle' || phase === 'closed') {
      // A retry ari-client had already scheduled opened a socket we no longer want.
      client.stop();
      return;
    }
    const reconnected = phase === 'lost';
    phase = 'connected';
    retries = 0;
    connectedAt = clock.now();
    awaitingPong = false;
    cancelTimer();
    status('connected', null);
    heartbeat();
    if (reconnected) {
      log.info('ARI event connection restored');
      options.onReconnected();
    }
  });
  runtime.on('WebSocketReconnecting', (error: Error | undefined) => {
    if (phase === 'connected' || phase === 'lost') lost(error?.message ?? 'websocket closed');
  });
  runtime.on('WebSocketMaxRetries', (error: Error | undefined) => {
    if (phase !== 'lost') return;
    const delayMs = backoffDelayMs(retries, options.backoff);
    log.warn({ err: error, delayMs }, 'ARI websocket retries exhausted; trying again later');
    lost(error?.message ?? 'websocket retries exhausted');
    schedule(() => void startSocket(), delayMs);
  });
  runtime.on('pong', () => {
    awaitingPong = false;
  });
  runtime.on('*', (raw: unknown) => {
    if (phase !== 'connected') return;
    if (isApplicationReplaced(raw)) {
      // Another websocket took the app over (fact 22). If it is another process with
      // the same app name, taking it back at once would start a tug of war: back off,
      // more each time, unless the app had been ours for a good while.
      if (clock.now() - connectedAt > 2 * options.backoff.maxMs) replacements = 0;
      replacements += 1;
      const delayMs = backoffDelayMs(replacements, options.backoff);
      log.error({ app, delayMs }, 'another connection took over the ARI app; reconnecting');
      lost(`application ${app} replaced by another websocket`);
      schedule(dropSocket, delayMs);
      return;
    }
    options.onMessage(raw);
  });

  return {
    async open() {
      if (phase !== 'idle') throw new Error(`the ARI event stream is ${phase}`);
      phase = 'opening';
      let timeout: unknown;
      const timedOut = new Promise<never>((_, reject) => {
        timeout = clock.setTimeout(() => {
          reject(
            new AriConnectionError(
              `the ARI websocket for app "${app}" did not open within ${options.openTimeoutMs} ms`,
              { reason: 'failed' },
            ),
          );
        }, options.openTimeoutMs);
      });
      try {
        await Promise.race([client.start(app), timedOut]);
      } catch (error) {
        phase = 'idle';
        client.stop();
        throw error instanceof AriConnectionError
          ? error
          : new AriConnectionError(`the ARI websocket for app "${app}" failed: ${error}`, {
              reason: 'failed',
              cause: error,
            });
      } finally {
        clock.clearTimeout(timeout);
      }
    },
    close() {
      if (phase === 'closed') return;
      const wasOpen = phase !== 'idle';
      phase = 'closed';
      cancelTimer();
      if (wasOpen) client.stop();
    },
  };
}

function isApplicationReplaced(raw: unknown): boolean {
  return (
    typeof raw === 'object' &&
    raw !== null &&
    (raw as { type?: unknown }).type === 'ApplicationReplaced'
  );
}
