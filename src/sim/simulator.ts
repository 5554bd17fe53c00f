import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import type { Logger } from 'pino';
import { formatAsteriskTime } from './format-asterisk-time.js';
import type { SimAava } from './sim-aava-state.js';
import { createStasisApps } from './sim-apps.js';
import { DEFAULT_MODULES } from './sim-asterisk-info.js';
import { createSimEvents } from './sim-events.js';
import { createSimHttpApp, type SimRequestRecord } from './sim-http.js';
import { createMediaLibrary } from './sim-media.js';
import { type SimCallRecord, SimPbx } from './sim-pbx.js';
import { type SimRule, type SimScenario, scenarioFor } from './sim-scenarios.js';
import {
  createSimScheduler,
  type SimClock,
  type SimScheduler,
  systemSimClock,
} from './sim-scheduler.js';
import { attachEventsWebsocket, type EventsWebsocket } from './sim-websocket.js';

export type { AavaSessionRecord, SimAava } from './sim-aava-state.js';
export type { SimRequestRecord } from './sim-http.js';
export type { SimCallRecord } from './sim-pbx.js';
export type { SimRule, SimScenario } from './sim-scenarios.js';
export type { SimClock } from './sim-scheduler.js';

/** How to build a simulated Asterisk. */
export interface SimulatorOptions {
  /** Loopback address to listen on (127.0.0.1, ::1 or localhost). Default 127.0.0.1. */
  host?: string;
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  /** ARI credentials the simulator accepts. */
  user: string;
  password: string;
  /**
   * Real ms per scenario ms: 1 (default) = real time, 0.01 = 100× faster, 0 = as fast
   * as possible. Ring times, AMD times, media lengths and originate timeouts all scale.
   */
  timeScale?: number;
  /** Folder `sound:<name>` resolves in, besides the built-in sounds. */
  mediaDir?: string;
  /** Contexts with far ends behind them. Default `['from-internal']`. */
  dialContexts?: readonly string[];
  /** The AMD context. Default `aava-outbound-amd`. */
  amdContext?: string;
  /** App name of the built-in AI agent. Default `ai-agent`. */
  aiApp?: string;
  /** Contexts standing in for a dialplan AI agent. Default `['ai-agent']`. */
  aiContexts?: readonly string[];
  /**
   * The stand-in Asterisk AI Voice Agent: its app name (default
   * `asterisk-ai-voice-agent`), the hand-off contexts that reach it (default
   * `['dialstate-aava-handoff']`), and whether it starts connected (default true).
   */
  aava?: { app?: string; contexts?: readonly string[]; connected?: boolean };
  /** Number rules checked before the built-in suffix table. */
  rules?: readonly SimRule[];
  /** Loaded modules (GET /asterisk/modules). Default: {@link DEFAULT_MODULES}. */
  modules?: readonly string[];
  /** `asterisk_id` of events. */
  asteriskId?: string;
  /** Wall clock and timers; the system clock by default. */
  clock?: SimClock;
  /**
   * Told of every authorized REST request as it arrives, however many there are: for a
   * caller that must see them all, where `requests()` keeps only the last few hundred
   * (a benchmark counting the originates of thousands of calls).
   */
  onRequest?: (request: SimRequestRecord) => void;
  log?: Logger;
}

/** A simulated Asterisk 22 speaking ARI over HTTP and WebSocket. */
export interface Simulator {
  /**
   * Starts listening; resolves with the base URL to give ari-client (`http://127.0.0.1:PORT`).
   * After a `stop()` or `shutdown()` it comes back on the same port, with no channels.
   */
  start(): Promise<{ url: string }>;
  /** Stops listening and drops every call and connection (no events). */
  stop(): Promise<void>;
  /**
   * Shuts the PBX down as `core stop now` does: every channel is hung up with cause 0
   * (its events reach the apps), REST answers 503 with an HTML page from then on, the
   * websockets close, and after `drainMs` real ms the listener closes: connections are
   * refused until `start()` again.
   */
  shutdown(options?: { drainMs?: number }): Promise<void>;
  /** The base URL while started, else null. */
  readonly url: string | null;
  /** Live calls, then recently finished ones (newest first). */
  calls(): SimCallRecord[];
  /** The most recent authorized REST requests, oldest first (the last {@link REQUESTS_KEPT}). */
  requests(): SimRequestRecord[];
  /** The far end a dialed number reaches. */
  scenarioFor(number: string): SimScenario;
  /**
   * The stand-in AAVA: set `connected` to take its app down or up; `sessions` holds
   * every call that entered its app (newest first) with the variables it read.
   */
  readonly aava: SimAava;
}

/** How many REST requests `requests()` keeps. */
export const REQUESTS_KEPT = 500;

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);
const DEFAULT_ASTERISK_ID = '02:00:5e:00:53:01';

/**
 * Creates a simulated Asterisk: ari-client connects to it unchanged, and its far ends
 * behave like the real Asterisk 22 of ../shared/asterisk-ari's traces.
 *
 * @throws RangeError for a non-loopback host, a bad port or time scale, or no user.
 */
export function createSimulator(options: SimulatorOptions): Simulator {
  const host = options.host ?? '127.0.0.1';
  if (!LOOPBACK.has(host))
    throw new RangeError(`the simulator listens on loopback only, not ${host}`);
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new RangeError(`invalid port ${port}`);
  if (!options.user) throw new RangeError('the simulator needs an ARI user name');
  const timeScale = options.timeScale ?? 1;
  if (!(timeScale >= 0) || !Number.isFinite(timeScale))
    throw new RangeError(`invalid timeScale ${timeScale}`);
  return new RunningSimulator(options, host, port, timeScale);
}

class RunningSimulator implements Simulator {
  readonly #options: SimulatorOptions;
  readonly #host: string;
  #port: number;
  readonly #timeScale: number;
  readonly #clock: SimClock;
  readonly #requests: SimRequestRecord[] = [];
  readonly aava: SimAava;
  #state: {
    server: Server;
    websocket: EventsWebsocket;
    scheduler: SimScheduler;
    pbx: SimPbx;
    url: string;
  } | null = null;
  #shuttingDown = false;

  constructor(options: SimulatorOptions, host: string, port: number, timeScale: number) {
    this.#options = options;
    this.#host = host;
    this.#port = port;
    this.#timeScale = timeScale;
    this.#clock = options.clock ?? systemSimClock;
    this.aava = {
      app: options.aava?.app ?? 'asterisk-ai-voice-agent',
      connected: options.aava?.connected ?? true,
      sessions: [],
    };
  }

  get url(): string | null {
    return this.#state?.url ?? null;
  }

  async start(): Promise<{ url: string }> {
    if (this.#state) throw new Error('the simulator is already started');
    const options = this.#options;
    const log = options.log;
    const clock = this.#clock;
    const asteriskId = options.asteriskId ?? DEFAULT_ASTERISK_ID;
    const timestamp = () => formatAsteriskTime(clock.now());
    const scheduler = createSimScheduler({
      timeScale: this.#timeScale,
      clock,
      onError: (error) => {
        if (log) log.error({ err: error }, 'simulated Asterisk task failed');
        else
          queueMicrotask(() => {
            throw error;
          });
      },
    });
    const apps = createStasisApps({ asteriskId, timestamp });
    const events = createSimEvents({
      apps,
      timestamp,
      observe: log && ((app, message) => log.trace({ app, event: message }, 'simulated ARI event')),
    });
    const pbx = new SimPbx({
      dialplan: {
        dialContexts: options.dialContexts ?? ['from-internal'],
        amdContext: options.amdContext ?? 'aava-outbound-amd',
        aiContexts: options.aiContexts ?? ['ai-agent'],
        aiApp: options.aiApp ?? 'ai-agent',
        aavaContexts: options.aava?.contexts ?? ['dialstate-aava-handoff'],
        rules: options.rules ?? [],
      },
      aava: this.aava,
      media: createMediaLibrary({ mediaDir: options.mediaDir }),
      events,
      apps,
      scheduler,
      clock,
    });
    let websocket: EventsWebsocket | undefined;
    const http = createSimHttpApp({
      pbx,
      credentials: { user: options.user, password: options.password },
      asteriskId,
      startedAt: clock.now(),
      modules: options.modules ?? DEFAULT_MODULES,
      timestamp,
      shuttingDown: () => this.#shuttingDown,
      flushEvents: () => websocket?.flush(),
      recordRequest: (request) => {
        this.#requests.push(request);
        if (this.#requests.length > REQUESTS_KEPT) this.#requests.shift();
        options.onRequest?.(request);
      },
      log,
    });
    // @hono/node-server's own Request and Response stand in for the global ones (its
    // default, and what dialstate's API server does in the same process): an answer
    // made of a string is then written out as it is, where a web Response would be
    // built and its body streamed back out for every answer, the largest share of the
    // simulator's time per REST request.
    const server = createAdaptorServer({ fetch: http.fetch }) as Server;
    websocket = attachEventsWebsocket(server, {
      credentials: { user: options.user, password: options.password },
      apps,
      log,
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.#port, this.#host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const { port } = server.address() as AddressInfo;
    // A restart comes back where clients look for it.
    this.#port = port;
    this.#shuttingDown = false;
    const url = `http://${this.#host.includes(':') ? `[${this.#host}]` : this.#host}:${port}`;
    this.#state = { server, websocket, scheduler, pbx, url };
    log?.info({ url, timeScale: this.#timeScale }, 'simulated Asterisk listening (no real calls)');
    return { url };
  }

  async shutdown(options: { drainMs?: number } = {}): Promise<void> {
    const state = this.#state;
    if (!state) return;
    this.#shuttingDown = true;
    this.#options.log?.warn('simulated Asterisk shutting down: hanging up every channel');
    state.pbx.hangUpAllForShutdown();
    // Let the hang-up frames leave before the sockets close.
    await new Promise((resolve) => setImmediate(resolve));
    state.websocket.close();
    await new Promise((resolve) => setTimeout(resolve, options.drainMs ?? 200));
    await this.stop();
  }

  async stop(): Promise<void> {
    const state = this.#state;
    if (!state) return;
    this.#state = null;
    state.scheduler.close();
    state.websocket.close();
    state.server.closeAllConnections();
    await new Promise<void>((resolve) => state.server.close(() => resolve()));
  }

  calls(): SimCallRecord[] {
    return this.#state?.pbx.records() ?? [];
  }

  requests(): SimRequestRecord[] {
    return [...this.#requests];
  }

  scenarioFor(number: string): SimScenario {
    return scenarioFor(number, this.#options.rules ?? []);
  }
}
