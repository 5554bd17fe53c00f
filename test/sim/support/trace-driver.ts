import type { AriEvent, AriRest, EventRecorder, RestAnswer } from './ari-recorder.js';

/** One REST call a driver made, for comparing with the trace's responses. */
export interface DriverCall {
  method: string;
  path: string;
  status: number;
  body: unknown;
}

/**
 * Makes the requests a trace's dialer made, against the simulator: same app name,
 * same attempt id, channel `dialstate-<attemptId>`, scenario delays scaled.
 */
export class TraceDriver {
  readonly attemptId: string;
  readonly id: string;
  readonly calls: DriverCall[] = [];
  readonly #rest: AriRest;
  readonly #dialer: EventRecorder;
  readonly #agent: EventRecorder;
  readonly #timeScale: number;
  readonly #from: number;
  readonly #agentFrom: number;

  constructor(deps: {
    rest: AriRest;
    dialer: EventRecorder;
    agent: EventRecorder;
    timeScale: number;
    attemptId: string;
  }) {
    this.attemptId = deps.attemptId;
    this.id = `dialstate-${deps.attemptId}`;
    this.#rest = deps.rest;
    this.#dialer = deps.dialer;
    this.#agent = deps.agent;
    this.#timeScale = deps.timeScale;
    this.#from = deps.dialer.events.length;
    this.#agentFrom = deps.agent.events.length;
  }

  /** The events the dialer app received since the driver was made. */
  get dialerEvents(): AriEvent[] {
    return this.#dialer.events.slice(this.#from);
  }

  get agentEvents(): AriEvent[] {
    return this.#agent.events.slice(this.#agentFrom);
  }

  /** The trace's originate: ari-client's shape, scalars on the query, variables in the body. */
  originate(endpoint: string): Promise<RestAnswer> {
    return this.#record('POST', '/channels', () =>
      this.#rest.post(
        '/channels',
        {
          endpoint,
          app: 'trace-dialer',
          appArgs: `dial,${this.attemptId}`,
          channelId: this.id,
          otherChannelId: `${this.id};2`,
          callerId: 'Dialer <6789>',
          timeout: 30,
        },
        {
          variables: {
            AMPUSER: '6789',
            __DIALSTATE_ATTEMPT_ID: this.attemptId,
            DIALSTATE_STASIS_APP: 'trace-dialer',
          },
        },
      ),
    );
  }

  post(suffix: string, query: Record<string, string | number> = {}): Promise<RestAnswer> {
    const path = `/channels/${encodeURIComponent(this.id)}${suffix}`;
    return this.#record('POST', path, () => this.#rest.post(path, query));
  }

  get(path: string): Promise<RestAnswer> {
    return this.#record('GET', path, () => this.#rest.get(path));
  }

  hangUp(): Promise<RestAnswer> {
    const path = `/channels/${encodeURIComponent(this.id)}`;
    return this.#record('DELETE', path, () => this.#rest.delete(path));
  }

  /** Waits for an event of the dialer app about our `;1`. */
  waitFor(type: string, match: (event: AriEvent) => boolean = () => true): Promise<AriEvent> {
    return this.#dialer.waitFor(
      (e) =>
        e.type === type &&
        (e.channel?.id === this.id ||
          e.peer?.id === this.id ||
          e.playback?.target_uri === `channel:${this.id}`) &&
        match(e),
      { from: this.#from },
    );
  }

  waitForAgent(type: string): Promise<AriEvent> {
    return this.#agent.waitFor((e) => e.type === type && e.channel?.id === this.id, {
      from: this.#agentFrom,
    });
  }

  waitForStasis(first: 'dial' | 'amd'): Promise<AriEvent> {
    return this.waitFor('StasisStart', (e) => e.args?.[0] === first);
  }

  /** Waits until both halves are destroyed. */
  async ended(): Promise<void> {
    const destroyed = (id: string) => (e: AriEvent) =>
      e.type === 'ChannelDestroyed' && e.channel?.id === id;
    await this.#dialer.waitFor(destroyed(this.id), { from: this.#from, timeoutMs: 10_000 });
    await this.#dialer.waitFor(destroyed(`${this.id};2`), { from: this.#from, timeoutMs: 10_000 });
  }

  /** Sleeps `scenarioMs` of scenario time. */
  sleep(scenarioMs: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, scenarioMs * this.#timeScale));
  }

  async #record(
    method: string,
    path: string,
    send: () => Promise<RestAnswer>,
  ): Promise<RestAnswer> {
    const answer = await send();
    this.calls.push({ method, path, status: answer.status, body: answer.body });
    return answer;
  }
}
