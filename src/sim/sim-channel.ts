import { formatAsteriskTime } from './format-asterisk-time.js';

/** Channel states the simulator reports (fact 21). */
export type ChannelState = 'Down' | 'Ring' | 'Ringing' | 'Up' | 'Busy';

/** ARI's `CallerID` model. */
export interface CallerId {
  name: string;
  number: string;
}

/** ARI's `DialplanCEP` model: where the channel is in the dialplan. */
export interface DialplanLocation {
  context: string;
  exten: string;
  priority: number;
  app_name: string;
  app_data: string;
}

/** ARI's `Channel` model, with exactly the fields a real Asterisk 22 sends (fact 21). */
export interface ChannelSnapshot {
  id: string;
  name: string;
  state: ChannelState;
  protocol_id: string;
  caller: CallerId;
  connected: CallerId;
  accountcode: string;
  dialplan: DialplanLocation;
  creationtime: string;
  language: string;
}

/**
 * Why a Stasis invocation exists: the originate's own (runs until the channel ends,
 * with any dialplan the channel is continued into nested inside it) or a `Stasis()`
 * step of the dialplan (returns when the channel is continued elsewhere).
 */
export type StasisFrame = 'originate' | 'dialplan';

/** One half of a simulated Local channel pair. */
export class SimChannel {
  readonly id: string;
  readonly name: string;
  readonly createdAt: number;
  #state: ChannelState;
  #caller: CallerId = { name: '', number: '' };
  #connected: CallerId = { name: '', number: '' };
  #dialplan: DialplanLocation;
  /**
   * The snapshot as JSON, kept until a field of it changes: every event of the channel
   * carries it, and a refused call alone sends a dozen (see `snapshotJson`).
   */
  #json: string | undefined;
  /** Apps that receive this channel's events whether or not it is in their Stasis. */
  readonly subscribers = new Set<string>();
  /** The Stasis app the channel is in now, if any. */
  stasisApp: string | null = null;
  /** Stasis invocations that have not returned yet: each owes a `STASISSTATUS`. */
  readonly stasisStack: StasisFrame[] = [];
  /** A cause a dialplan application already set (`Busy()` sets 17), kept at hang-up. */
  ownCause: number | null = null;
  destroyed = false;
  readonly #variables = new Map<string, string>();
  /** `createdAt` as Asterisk writes it, formatted once: every event's snapshot carries it. */
  #creationtime: string | undefined;

  constructor(init: {
    id: string;
    name: string;
    createdAt: number;
    state: ChannelState;
    dialplan: DialplanLocation;
  }) {
    this.id = init.id;
    this.name = init.name;
    this.createdAt = init.createdAt;
    this.#state = init.state;
    this.#dialplan = init.dialplan;
  }

  get state(): ChannelState {
    return this.#state;
  }

  set state(state: ChannelState) {
    this.#state = state;
    this.#json = undefined;
  }

  /** Changed through `identify` only, so that the snapshot's JSON stays true. */
  get caller(): Readonly<CallerId> {
    return this.#caller;
  }

  get connected(): Readonly<CallerId> {
    return this.#connected;
  }

  /** Sets the caller and/or connected line ids (copied). */
  identify(ids: { caller?: Readonly<CallerId>; connected?: Readonly<CallerId> }): void {
    if (ids.caller) this.#caller = { ...ids.caller };
    if (ids.connected) this.#connected = { ...ids.connected };
    this.#json = undefined;
  }

  /** Where the channel is; moved by `step` only. */
  get dialplan(): Readonly<DialplanLocation> {
    return this.#dialplan;
  }

  /** The variable, looked up by its name without the `_`/`__` inheritance prefix. */
  variable(name: string): string | undefined {
    return this.#variables.get(bareName(name));
  }

  setVariable(name: string, value: string): void {
    this.#variables.set(bareName(name), value);
  }

  variables(): Record<string, string> {
    return Object.fromEntries(this.#variables);
  }

  /** Moves to a dialplan step, as `ChannelDialplan` reports it. */
  step(context: string, exten: string, priority: number, app: string, data: string): void {
    this.#dialplan = { context, exten, priority, app_name: app, app_data: data };
    this.#json = undefined;
  }

  #creationTime(): string {
    this.#creationtime ??= formatAsteriskTime(this.createdAt);
    return this.#creationtime;
  }

  /** `JSON.stringify(this.snapshot())`, made once per change of the channel. */
  snapshotJson(): string {
    this.#json ??= JSON.stringify(this.snapshot());
    return this.#json;
  }

  snapshot(): ChannelSnapshot {
    return {
      id: this.id,
      name: this.name,
      state: this.state,
      protocol_id: '',
      caller: { ...this.caller },
      connected: { ...this.connected },
      accountcode: '',
      dialplan: { ...this.dialplan },
      creationtime: this.#creationTime(),
      language: 'en',
    };
  }
}

/** `__FOO` and `_FOO` are `FOO` made inheritable; reads use the bare name. */
function bareName(name: string): string {
  // Most names have no prefix: that common case is answered without a regular expression.
  return name.startsWith('_') ? name.replace(/^_{1,2}/, '') : name;
}
