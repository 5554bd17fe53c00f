import type { Logger } from 'pino';
import type { AmdVerdict, AmdVerdictDirectory } from '../calls/lost-amd-verdict.js';
import type { AttemptEventSource, CallControl, ChannelDirectory, Clock } from '../calls/ports.js';
import { AMD_CAUSE_VARIABLE, AMD_STATUS_VARIABLE } from './amd-hop.js';
import { createAriCallControl } from './ari-call-control.js';
import { type AriEndpoint, connectAriClient } from './ari-connect.js';
import { AriRequestError } from './ari-errors.js';
import {
  type AriConnectionStatus,
  type AriEventStream,
  type AriEventStreamOptions,
  createAriEventStream,
} from './ari-event-stream.js';
import { type RoutedAttemptEvent, translateAriEvent } from './ari-events.js';
import { isNoiseFrame } from './ari-frame-filter.js';
import type { AriRestTransport } from './ari-http-pool.js';
import {
  type AriHttp,
  type AriRest,
  createAriHttp,
  createAriRest,
  DEFAULT_REQUEST_TIMEOUT_MS,
} from './ari-rest.js';
import { type ChannelIds, dialstateChannelIds } from './channel-ids.js';
import { createHangupOrdering } from './hangup-ordering.js';
import type { BackoffPolicy } from './reconnect-backoff.js';

export interface AriGatewayOptions extends AriEndpoint {
  /** Our Stasis app name: one per dialer process (fact 22). */
  app: string;
  /** Context numbers are dialled in (`Local/<number>@<dialContext>`). */
  dialContext: string;
  /** Context of the AMD hop. */
  amdContext: string;
  /** Stamps every event's `at` and paces retries. */
  clock: Clock;
  log: Logger;
  /** How channel ids map to attempts; dialstate's `dialstate-<attemptId>` by default. */
  ids?: ChannelIds;
  /** Tries of the first connection while ARI is unreachable (default 5). */
  connectAttempts?: number;
  /**
   * Backoff between the first connection's tries, and before taking the app back from
   * another websocket (default 500 ms doubling up to 30 s).
   */
  backoff?: BackoffPolicy;
  /** Mean interval of the cheap probes (`GET /asterisk/ping`) while disconnected (ms, default 500). */
  probeIntervalMs?: number;
  /** Longest wait for one ARI answer (ms, default 10 s). */
  requestTimeoutMs?: number;
  /** Websocket ping interval (ms, default 20 s, 0 = off). */
  heartbeatMs?: number;
  /** Longest hold of an unanswered call's hang-up while waiting for the far end's (ms). */
  hangupHoldMs?: number;
  /** Most sockets the REST requests keep open to ARI (default 32, see ari-http-pool.ts). */
  maxSockets?: number;
  /**
   * `per-request` opens a new connection for every REST request, as ari-client's
   * swagger-client did before the pool: only for benchmarks that compare the two.
   */
  restTransport?: AriRestTransport;
}

/** A channel as `GET /channels` lists it. */
export interface AriChannelSummary {
  id: string;
  name: string;
  state: string;
}

/** The one connection to Asterisk's ARI: events in, call control out. */
export interface AriGateway extends AttemptEventSource, ChannelDirectory, AmdVerdictDirectory {
  /**
   * Connects (REST and the app's websocket). Retries an unreachable ARI with backoff.
   * @throws AriConnectionError: `unreachable`, `unauthorized` (401) or `failed`.
   */
  connect(): Promise<void>;
  /** The machine's commands as ARI requests; usable once connected. */
  readonly callControl: CallControl;
  /** Every translated event, in the order of each channel; returns the unsubscribe function. */
  onEvent(listener: (routed: RoutedAttemptEvent) => void): () => void;
  /** Connection changes: connected, disconnected (with why), reconnecting. */
  onConnection(listener: (status: AriConnectionStatus) => void): () => void;
  /** Called after each reconnect, when events may have been missed: reconcile then. */
  onReconnected(listener: () => void | Promise<void>): () => void;
  /** Whether Asterisk has this channel (`GET /channels/{id}`: 404 means no). */
  channelExists(channelId: string): Promise<boolean>;
  /** Whether Asterisk still has this playback (`GET /playbacks/{id}`: 404 means it finished). */
  playbackExists(playbackId: string): Promise<boolean>;
  /** Every live channel, both halves of Local channels included (fact 18). */
  listChannels(): Promise<AriChannelSummary[]>;
  setVariable(channelId: string, variable: string, value?: string): Promise<void>;
  /** A channel variable or function value; null when ARI says 404 (not set, or no such channel). */
  getVariable(channelId: string, variable: string): Promise<string | null>;
  /** Whether an Asterisk module (`app_amd.so`) is loaded. */
  moduleLoaded(name: string): Promise<boolean>;
  /** `GET /asterisk/ping`: proves ARI answers with these credentials. */
  ping(): Promise<{ asteriskId: string; timestamp: string }>;
  /**
   * Also hears the events of `app`, another node's Stasis app whose calls this node
   * took over (ADR 025): a websocket of its own for that app, kept open (and reopened
   * after a loss) until the gateway closes or the app's owner takes it back
   * (`ApplicationReplaced`). Nothing for our own app or one already adopted.
   * @throws AriConnectionError when the websocket does not open.
   */
  adoptApp(app: string): Promise<void>;
  /** Closes the websocket and delivers any held event; the gateway cannot be reused. */
  close(): Promise<void>;
}

/** Creates the gateway; nothing is opened before `connect()`. */
export function createAriGateway(options: AriGatewayOptions): AriGateway {
  const { clock, log } = options;
  const ids = options.ids ?? dialstateChannelIds;
  const backoff = options.backoff ?? { initialMs: 500, maxMs: 30_000 };
  const requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const eventListeners = new Set<(routed: RoutedAttemptEvent) => void>();
  const statusListeners = new Set<(status: AriConnectionStatus) => void>();
  const reconnectListeners = new Set<() => void | Promise<void>>();
  const lossListeners = new Set<(loss: { reason: string; at: number }) => void>();
  let lastState: AriConnectionStatus['state'] | null = null;
  let connected: { rest: AriRest; stream: AriEventStream; http: AriHttp } | null = null;
  // Whether the event websocket is up. While it is not, requests fail at once with no
  // status, as a refused connection would, rather than waiting out their timeout.
  let linkUp = false;
  let connecting: Promise<void> | null = null;
  let closed = false;
  /** The websockets of apps adopted from dead nodes, by app name. */
  const adopted = new Map<string, AriEventStream>();

  function each<T>(listeners: Set<(value: T) => void>, value: T, what: string): void {
    for (const listener of listeners) {
      try {
        listener(value);
      } catch (error) {
        log.error({ err: error }, `an ARI ${what} listener threw`);
      }
    }
  }

  // The AMD hop's dialplan steps tell the machine nothing its StasisStart does not.
  const quietContexts: ReadonlySet<string> = new Set([options.amdContext]);
  const ordering = createHangupOrdering({
    clock,
    holdMs: options.hangupHoldMs,
    deliver: (routed) => each(eventListeners, routed, 'event'),
  });

  const rest: AriRest = {
    call(resource, operation, params, callOptions) {
      if (!connected || !linkUp) {
        return Promise.reject(
          new AriRequestError(`${resource}.${operation}`, 'not connected to ARI'),
        );
      }
      return connected.rest.call(resource, operation, params, callOptions);
    },
  };

  async function orNullOn404<T>(request: Promise<T>): Promise<T | null> {
    try {
      return await request;
    } catch (error) {
      if (error instanceof AriRequestError && error.status === 404) return null;
      throw error;
    }
  }

  async function getVariable(channelId: string, variable: string): Promise<string | null> {
    const answer = await orNullOn404(
      rest.call('channels', 'getChannelVar', { channelId, variable }),
    );
    return answer === null ? null : String((answer as { value?: unknown }).value ?? '');
  }

  function reconnected(): void {
    for (const listener of reconnectListeners) {
      Promise.resolve()
        .then(listener)
        .catch((error: unknown) =>
          log.error({ err: error }, 'reconciling after a reconnect failed'),
        );
    }
  }

  /** The event websocket of `app`: its events go the way of every event of the gateway. */
  function streamOf(
    app: string,
    hooks: Pick<AriEventStreamOptions, 'onStatus' | 'onReplaced'>,
  ): AriEventStream {
    return createAriEventStream({
      baseUrl: options.url,
      user: options.user,
      password: options.password,
      app,
      clock,
      log,
      backoff,
      openTimeoutMs: requestTimeoutMs,
      heartbeatMs: options.heartbeatMs ?? 20_000,
      probeIntervalMs: options.probeIntervalMs ?? 500,
      skipFrame: (text) => isNoiseFrame(text, ids),
      onMessage(raw) {
        const routed = translateAriEvent(raw, clock.now(), ids, quietContexts);
        if (routed) ordering.push(routed);
      },
      // Events of the adopted app's calls may have been missed while it was down.
      onReconnected: reconnected,
      ...hooks,
    });
  }

  async function open(): Promise<void> {
    const client = await connectAriClient(options, {
      clock,
      log,
      attempts: options.connectAttempts ?? 5,
      backoff,
      requestTimeoutMs,
    });
    const stream = streamOf(options.app, {
      onStatus(status) {
        linkUp = status.state === 'connected';
        // A loss is told once, when a working connection goes, not at every retry.
        if (lastState === 'connected' && status.state !== 'connected') {
          each(
            lossListeners,
            { reason: status.reason ?? 'connection lost', at: status.at },
            'loss',
          );
        }
        lastState = status.state;
        each(statusListeners, status, 'connection');
      },
    });
    const http = createAriHttp({
      url: options.url,
      user: options.user,
      password: options.password,
      clock,
      timeoutMs: requestTimeoutMs,
      maxSockets: options.maxSockets,
      transport: options.restTransport,
    });
    const clientRest = createAriRest(client, http);
    await stream.open();
    if (closed) {
      stream.close();
      http.close();
      throw new Error('the ARI gateway was closed while connecting');
    }
    connected = { rest: clientRest, stream, http };
    linkUp = true;
    log.info({ url: options.url, app: options.app }, 'connected to ARI');
  }

  return {
    connect() {
      if (closed) return Promise.reject(new Error('the ARI gateway is closed'));
      if (connected) return Promise.resolve();
      connecting ??= open().finally(() => {
        connecting = null;
      });
      return connecting;
    },

    callControl: createAriCallControl(rest, {
      app: options.app,
      dialContext: options.dialContext,
      amdContext: options.amdContext,
      ids,
    }),

    onEvent(listener) {
      eventListeners.add(listener);
      return () => eventListeners.delete(listener);
    },
    onConnection(listener) {
      statusListeners.add(listener);
      return () => statusListeners.delete(listener);
    },
    onReconnected(listener) {
      reconnectListeners.add(listener);
      return () => reconnectListeners.delete(listener);
    },
    onConnectionLost(listener) {
      lossListeners.add(listener);
      return () => lossListeners.delete(listener);
    },

    async channelExists(channelId) {
      return (await orNullOn404(rest.call('channels', 'get', { channelId }))) !== null;
    },
    async playbackExists(playbackId) {
      return (await orNullOn404(rest.call('playbacks', 'get', { playbackId }))) !== null;
    },
    async listChannels() {
      const channels = await rest.call('channels', 'list');
      if (!Array.isArray(channels)) return [];
      return channels.map((channel: Record<string, unknown>) => ({
        id: String(channel.id),
        name: String(channel.name ?? ''),
        state: String(channel.state ?? ''),
      }));
    },
    async returnedVerdict(channelId): Promise<AmdVerdict | null> {
      const channel = await orNullOn404(rest.call('channels', 'get', { channelId }));
      const step = (channel as { dialplan?: { context?: unknown; app_name?: unknown } } | null)
        ?.dialplan;
      // Back from the hop, the channel waits in the hop's own `Stasis()` step: the
      // snapshot's dialplan is `<AMD context>,s,<n>,Stasis,"<app>,amd,…"` (fact 6).
      // Anywhere else it is still in AMD() or in the retry loop, and comes back itself.
      if (step?.context !== options.amdContext || step.app_name !== 'Stasis') return null;
      const status = await getVariable(channelId, AMD_STATUS_VARIABLE);
      if (status === null || status === '') return null;
      return { status, cause: (await getVariable(channelId, AMD_CAUSE_VARIABLE)) ?? '' };
    },
    async setVariable(channelId, variable, value) {
      await rest.call('channels', 'setChannelVar', { channelId, variable, value });
    },
    getVariable,
    async moduleLoaded(name) {
      return (await orNullOn404(rest.call('asterisk', 'getModule', { moduleName: name }))) !== null;
    },
    async ping() {
      const answer = (await rest.call('asterisk', 'ping')) as Record<string, unknown> | undefined;
      return {
        asteriskId: String(answer?.asterisk_id ?? ''),
        timestamp: String(answer?.timestamp ?? ''),
      };
    },

    async adoptApp(app) {
      if (closed) throw new Error('the ARI gateway is closed');
      if (app === options.app || adopted.has(app)) return;
      const stream = streamOf(app, {
        // Our own app's link says whether ARI is up; an adopted one only reports.
        onStatus(status) {
          if (status.state !== 'connected')
            log.warn({ app, reason: status.reason }, 'adopted app disconnected');
        },
        onReplaced() {
          adopted.delete(app);
          log.warn({ app }, 'the node of an adopted app took it back; its events go there now');
        },
      });
      adopted.set(app, stream);
      try {
        await stream.open();
      } catch (error) {
        adopted.delete(app);
        throw error;
      }
      if (closed) stream.close();
      else log.info({ app }, "adopted a dead node's app: its calls' events come here now");
    },

    async close() {
      if (closed) return;
      closed = true;
      for (const stream of adopted.values()) stream.close();
      adopted.clear();
      connected?.stream.close();
      connected?.http.close();
      connected = null;
      linkUp = false;
      ordering.flush();
    },
  };
}
