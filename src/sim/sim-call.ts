import type { SimChannel } from './sim-channel.js';
import type { ScenarioAnchor, SimScenario } from './sim-scenarios.js';
import type { SimScheduler, SimTimer } from './sim-scheduler.js';

/**
 * Where the dialer's half (`;1`) is: not answered yet, in a Stasis app, running `AMD()`
 * in the AMD context, in some other dialplan (an AI context, or a missing one), or gone.
 */
export type LocalLocation =
  | { readonly kind: 'dialing' }
  | { readonly kind: 'stasis' }
  | { readonly kind: 'amd' }
  | { readonly kind: 'dialplan'; readonly context: string }
  | { readonly kind: 'gone' };

/** A span of far-end speech, in scenario ms. */
export interface SpeechSpan {
  start: number;
  end: number;
}

/** One simulated call: a Local channel pair and the far end behind `;2`. */
export class SimCall {
  readonly local: SimChannel;
  readonly peer: SimChannel;
  /** The dialed extension. */
  readonly number: string;
  /** The context of the Local endpoint, where `;2` runs. */
  readonly context: string;
  readonly scenario: SimScenario;
  /** The Stasis app that originated the call, and its arguments. */
  readonly app: string;
  readonly appArgs: readonly string[];
  /** Originate variables as sent (names with their `_`/`__` prefixes). */
  readonly originateVariables: ReadonlyArray<readonly [string, string]>;
  /** Ring timeout in scenario ms; null = none. */
  ringTimeoutMs: number | null;
  /** What the `Dial` event reports as `dialstring` (fact 3). */
  readonly dialstring: string;
  /**
   * Dialed straight on a trunk: `local` is the only channel the apps see, and it ends
   * with the far end's own cause (a Local `;1` reports 0 for a busy number, fact 8).
   */
  readonly direct: boolean;
  location: LocalLocation = { kind: 'dialing' };
  /** Created with POST /channels/create: in Stasis before it is dialed. */
  readonly created: boolean;
  dialed = false;
  answeredAt: number | null = null;
  /** Far-end speech, known once the far end answered. */
  speech: SpeechSpan[] = [];
  /** `;2` is inside a `Playback()` step (it reports PLAYBACKSTATUS when cut short). */
  peerInPlayback = false;
  /** Pending TALK_DETECT events. */
  talkDetectTimers: SimTimer[] = [];
  /** Last `dialstatus` published. */
  dialStatus = '';
  readonly #scheduler: SimScheduler;
  readonly #timers = new Set<SimTimer>();
  readonly #reached = new Set<ScenarioAnchor>();
  readonly #anchorListeners: Array<{ anchor: ScenarioAnchor; run: () => void }> = [];
  #ended = false;

  constructor(init: {
    local: SimChannel;
    peer: SimChannel;
    number: string;
    context: string;
    scenario: SimScenario;
    app: string;
    appArgs: readonly string[];
    originateVariables: ReadonlyArray<readonly [string, string]>;
    ringTimeoutMs: number | null;
    dialstring: string;
    direct: boolean;
    created: boolean;
    scheduler: SimScheduler;
  }) {
    this.local = init.local;
    this.peer = init.peer;
    this.number = init.number;
    this.context = init.context;
    this.scenario = init.scenario;
    this.app = init.app;
    this.appArgs = init.appArgs;
    this.originateVariables = init.originateVariables;
    this.ringTimeoutMs = init.ringTimeoutMs;
    this.dialstring = init.dialstring;
    this.direct = init.direct;
    this.created = init.created;
    this.#scheduler = init.scheduler;
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** Runs `task` in `delayMs` scenario ms unless the call ended by then. */
  after(delayMs: number, task: () => void): SimTimer {
    if (this.#ended) return { cancel: () => {} };
    const timer = this.#scheduler.after(delayMs, () => {
      this.#timers.delete(timer);
      if (!this.#ended) task();
    });
    this.#timers.add(timer);
    return timer;
  }

  /** Runs `task` when `anchor` is first reached (at once if it already was). */
  onAnchor(anchor: ScenarioAnchor, task: () => void): void {
    if (this.#reached.has(anchor)) task();
    else this.#anchorListeners.push({ anchor, run: task });
  }

  /** Marks `anchor` reached; only its first time counts. */
  reach(anchor: ScenarioAnchor): void {
    if (this.#ended || this.#reached.has(anchor)) return;
    this.#reached.add(anchor);
    for (const listener of this.#anchorListeners.filter((l) => l.anchor === anchor)) listener.run();
  }

  /** Stops everything still scheduled for the call. */
  end(): void {
    this.#ended = true;
    for (const timer of this.#timers) timer.cancel();
    this.#timers.clear();
    this.location = { kind: 'gone' };
  }
}
