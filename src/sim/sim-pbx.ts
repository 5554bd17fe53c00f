import { type AriResult, ariError, ariOk } from './ari-result.js';
import type { SimAava } from './sim-aava-state.js';
import type { StasisApps } from './sim-apps.js';
import { SimCall } from './sim-call.js';
import { CAUSE, hangupCause } from './sim-causes.js';
import { type ChannelSnapshot, SimChannel } from './sim-channel.js';
import { type ContinueTarget, continueInDialplan, moveToApp } from './sim-dialplan.js';
import type { PlaybackSnapshot, SimEvents } from './sim-events.js';
import { startDial } from './sim-far-end.js';
import { endOnShutdown, hangUpByRequest, hangUpFarEnd, hangUpInDialplan } from './sim-hangup.js';
import type { MediaLibrary } from './sim-media.js';
import { type OriginateParams, type OriginatePlan, planOriginate } from './sim-originate.js';
import { createSimPlaybacks, type PlayRequest } from './sim-playbacks.js';
import { scenarioFor } from './sim-scenarios.js';
import type { SimClock, SimScheduler } from './sim-scheduler.js';
import { enterStasis } from './sim-stasis.js';
import {
  applyOriginateFunction,
  readChannelVariable,
  writeChannelVariable,
} from './sim-variables.js';
import type { SimDialplanConfig, SimWorld } from './sim-world.js';

/** ARI's `Application` model. */
export interface ApplicationSnapshot {
  name: string;
  channel_ids: string[];
  bridge_ids: string[];
  endpoint_ids: string[];
  device_names: string[];
  events_allowed: object[];
  events_disallowed: object[];
}

/** What the simulator remembers of a call, live or finished. */
export interface SimCallRecord {
  channelId: string;
  otherChannelId: string;
  number: string;
  context: string;
  scenario: string;
  /** Variables of the dialer's half (names without inheritance prefixes). */
  variables: Record<string, string>;
  /** The last `Dial` status published. */
  dialStatus: string;
  live: boolean;
}

export interface SimPbxDeps {
  dialplan: SimDialplanConfig;
  media: MediaLibrary;
  events: SimEvents;
  apps: StasisApps;
  scheduler: SimScheduler;
  clock: SimClock;
  aava: SimAava;
}

// Finished calls kept for `records()`.
const RECORDS_KEPT = 1000;

/**
 * The simulated Asterisk's channels and the ARI operations on them. Each operation
 * answers with the value to send or the status and message a real Asterisk 22 gives.
 */
export class SimPbx {
  readonly #world: SimWorld;
  readonly #clock: SimClock;
  readonly #channels = new Map<string, { channel: SimChannel; call: SimCall }>();
  readonly #calls = new Map<SimCall, SimCallRecord>();
  readonly #finished: SimCallRecord[] = [];
  #counter = 0;

  constructor(deps: SimPbxDeps) {
    this.#clock = deps.clock;
    const { dialplan, apps } = deps;
    this.#world = {
      dialplan,
      events: deps.events,
      apps,
      scheduler: deps.scheduler,
      playbacks: createSimPlaybacks({ events: deps.events, media: deps.media }),
      contextExists: (context) =>
        context === dialplan.amdContext ||
        dialplan.dialContexts.includes(context) ||
        dialplan.aiContexts.includes(context) ||
        dialplan.aavaContexts.includes(context),
      appAvailable: (app) => apps.isRegistered(app) || app === dialplan.aiApp,
      callEnded: (call) => this.#forget(call),
      aava: deps.aava,
      transfer: (call, context, extension) =>
        continueInDialplan(this.#world, call, { context, extension, priority: 1 }),
    };
  }

  /** `POST /channels`: dials a Local channel into `app` (facts 1–5, 14, 15). */
  originate(params: OriginateParams): AriResult<ChannelSnapshot> {
    const plan = planOriginate(params);
    if (!plan.ok) return plan;
    const call = this.#createCall(plan.value, false);
    if (!call.ok) return call;
    this.#world.scheduler.after(0, () => startDial(this.#world, call.value));
    return ariOk(call.value.local.snapshot());
  }

  /** `POST /channels/create`: the pair exists and `;1` enters `app`, but nothing is dialed. */
  create(params: OriginateParams): AriResult<ChannelSnapshot> {
    const plan = planOriginate(params);
    if (!plan.ok) return plan;
    const created = this.#createCall(plan.value, true);
    if (!created.ok) return created;
    const call = created.value;
    const snapshot = call.local.snapshot();
    call.after(0, () => {
      call.local.step(
        call.context,
        call.number,
        1,
        'Stasis',
        [call.app, ...call.appArgs].join(','),
      );
      if (!enterStasis(this.#world, call, call.app, call.appArgs, 'originate')) {
        hangUpInDialplan(this.#world, call, CAUSE.normalClearing);
      }
    });
    return ariOk(snapshot);
  }

  /** `POST /channels/{id}/dial`: dials a channel made by `create`. */
  dial(channelId: string, timeout: string | undefined): AriResult<void> {
    const found = this.#controlled(channelId);
    if (!found.ok) return found;
    const call = found.value;
    if (!call.created || call.dialed) return ariError(409, 'Channel cannot be dialed');
    const seconds = timeout === undefined || timeout === '' ? 0 : Number(timeout);
    call.ringTimeoutMs = seconds > 0 ? seconds * 1000 : null;
    startDial(this.#world, call);
    return ariOk(undefined);
  }

  /** `GET /channels`: both halves of every live call (fact 18). */
  list(): ChannelSnapshot[] {
    return [...this.#channels.values()].map(({ channel }) => channel.snapshot());
  }

  get(channelId: string): AriResult<ChannelSnapshot> {
    const found = this.#channels.get(channelId);
    return found ? ariOk(found.channel.snapshot()) : ariError(404, 'Channel not found');
  }

  /** `DELETE /channels/{id}` (fact 7), with an optional `reason_code` or `reason`. */
  hangup(channelId: string, reasonCode?: string, reason?: string): AriResult<void> {
    const cause = hangupCause(reasonCode, reason);
    if (cause === null) return ariError(400, 'Invalid reason for hangup provided');
    const found = this.#channels.get(channelId);
    if (!found) return ariError(404, 'Channel not found');
    if (found.channel === found.call.peer) hangUpFarEnd(this.#world, found.call, cause);
    else hangUpByRequest(this.#world, found.call, cause);
    return ariOk(undefined);
  }

  continueInDialplan(channelId: string, target: ContinueTarget): AriResult<void> {
    const found = this.#controlled(channelId);
    if (!found.ok) return found;
    continueInDialplan(this.#world, found.value, target);
    return ariOk(undefined);
  }

  move(channelId: string, app: string | undefined, appArgs: string | undefined): AriResult<void> {
    if (!app) return ariError(400, 'app is required');
    const found = this.#controlled(channelId);
    if (!found.ok) return found;
    moveToApp(this.#world, found.value, app, appArgs ? appArgs.split(',') : []);
    return ariOk(undefined);
  }

  play(channelId: string, request: PlayRequest): AriResult<PlaybackSnapshot> {
    if (request.media.length === 0) return ariError(400, 'media is required');
    const found = this.#controlled(channelId);
    if (!found.ok) return found;
    return ariOk(this.#world.playbacks.play(found.value, request));
  }

  playback(playbackId: string): AriResult<PlaybackSnapshot> {
    const playback = this.#world.playbacks.get(playbackId);
    return playback ? ariOk(playback) : ariError(404, 'Playback not found');
  }

  stopPlayback(playbackId: string): AriResult<void> {
    return this.#world.playbacks.stop(playbackId)
      ? ariOk(undefined)
      : ariError(404, 'Playback not found');
  }

  getVariable(channelId: string, name: string | undefined): AriResult<string> {
    if (!name) return ariError(400, 'Variable name is required');
    const found = this.#channels.get(channelId);
    if (!found) return ariError(404, 'Provided channel was not found');
    return readChannelVariable(this.#world, found.channel, name);
  }

  setVariable(
    channelId: string,
    name: string | undefined,
    value: string | undefined,
  ): AriResult<void> {
    if (!name) return ariError(400, 'Variable name is required');
    const found = this.#controlled(channelId);
    if (!found.ok) return found;
    return writeChannelVariable(this.#world, found.value, name, value ?? '');
  }

  /**
   * `GET /applications`: the apps a websocket holds now (fact 18). The built-in agent is
   * not listed: it takes moved channels but is no connected application.
   */
  applications(): ApplicationSnapshot[] {
    return this.#world.apps.registered().map((name) => this.#application(name));
  }

  application(name: string): AriResult<ApplicationSnapshot> {
    return this.#world.apps.isRegistered(name)
      ? ariOk(this.#application(name))
      : ariError(404, 'Application not found');
  }

  /** Shutdown: hangs every live call up with cause 0 (see `endOnShutdown`). */
  hangUpAllForShutdown(): void {
    for (const call of [...this.#calls.keys()]) endOnShutdown(this.#world, call);
  }

  /** Live calls, then the most recent finished ones. */
  records(): SimCallRecord[] {
    const live = [...this.#calls.entries()].map(([call, record]) => this.#refresh(call, record));
    return [...live, ...this.#finished];
  }

  /** Whether a context exists in the simulated dialplan. */
  contextExists(context: string): boolean {
    return this.#world.contextExists(context);
  }

  #createCall(plan: OriginatePlan, created: boolean): AriResult<SimCall> {
    const sequence = ++this.#counter;
    const { trunk } = plan;
    const localId = plan.channelId ?? this.#uniqueId(sequence * 2);
    // A trunk call has one channel: its far end is kept out of every list and event.
    const peerId = trunk
      ? `${localId};far-end`
      : (plan.otherChannelId ??
        (plan.channelId ? `${plan.channelId};2` : this.#uniqueId(sequence * 2 + 1)));
    if (this.#channels.has(localId) || this.#channels.has(peerId) || localId === peerId) {
      return ariError(409, 'Channel with given unique ID already exists');
    }
    const createdAt = this.#clock.now();
    // Channel names carry a per-call hex counter (fact 1): `Local/<exten>@<context>-…;1`,
    // or `PJSIP/<trunk>-…` for a trunk.
    const hex = sequence.toString(16).padStart(8, '0');
    const base = trunk
      ? `${trunk.technology}/${trunk.name}-${hex}`
      : `Local/${plan.number}@${plan.context}-${hex}`;
    const local = new SimChannel({
      id: localId,
      name: trunk ? base : `${base};1`,
      createdAt,
      state: 'Down',
      dialplan: {
        context: trunk ? 'default' : plan.context,
        exten: plan.number,
        priority: 1,
        app_name: 'AppDial2',
        app_data: '(Outgoing Line)',
      },
    });
    const peer = new SimChannel({
      id: peerId,
      name: `${base};2`,
      createdAt,
      state: 'Ring',
      dialplan: {
        context: plan.context,
        exten: plan.number,
        priority: 1,
        app_name: '',
        app_data: '',
      },
    });
    local.identify({ caller: plan.caller, connected: plan.caller });
    for (const [name, value] of plan.variables) {
      if (name.includes('(')) applyOriginateFunction(local, name, value);
      else local.setVariable(name, value);
    }
    // The originate subscribes its app to both halves (fact 2).
    local.subscribers.add(plan.app);
    if (!trunk) peer.subscribers.add(plan.app);
    const call = new SimCall({
      local,
      peer,
      number: plan.number,
      context: plan.context,
      scenario: scenarioFor(plan.number, this.#world.dialplan.rules),
      app: plan.app,
      appArgs: plan.appArgs,
      originateVariables: plan.variables,
      ringTimeoutMs: plan.timeoutMs,
      dialstring: trunk ? trunk.resource : `${plan.number}@${plan.context}`,
      direct: trunk !== null,
      created,
      scheduler: this.#world.scheduler,
    });
    this.#channels.set(localId, { channel: local, call });
    if (!trunk) this.#channels.set(peerId, { channel: peer, call });
    const record: SimCallRecord = {
      channelId: localId,
      otherChannelId: peerId,
      number: plan.number,
      context: plan.context,
      scenario: call.scenario.name,
      variables: {},
      dialStatus: '',
      live: true,
    };
    this.#calls.set(call, this.#refresh(call, record));
    return ariOk(call);
  }

  /** Asterisk's find_control: the channel must exist and be the dialer's half in Stasis. */
  #controlled(channelId: string): AriResult<SimCall> {
    const found = this.#channels.get(channelId);
    if (!found) return ariError(404, 'Channel not found');
    const { call, channel } = found;
    if (channel !== call.local || call.location.kind !== 'stasis') {
      return ariError(409, 'Channel not in Stasis application');
    }
    return ariOk(call);
  }

  #application(name: string): ApplicationSnapshot {
    const channelIds = [...this.#channels.values()]
      .filter(({ channel }) => channel.subscribers.has(name) || channel.stasisApp === name)
      .map(({ channel }) => channel.id);
    return {
      name,
      channel_ids: channelIds,
      bridge_ids: [],
      endpoint_ids: [],
      device_names: [],
      events_allowed: [],
      events_disallowed: [],
    };
  }

  /** Asterisk's unique ids look like `<epoch seconds>.<sequence>`. */
  #uniqueId(sequence: number): string {
    return `${Math.floor(this.#clock.now() / 1000)}.${sequence}`;
  }

  #refresh(call: SimCall, record: SimCallRecord): SimCallRecord {
    return Object.assign(record, {
      number: call.number,
      context: call.context,
      scenario: call.scenario.name,
      variables: call.local.variables(),
      dialStatus: call.dialStatus,
      live: !call.ended,
    });
  }

  #forget(call: SimCall): void {
    this.#channels.delete(call.local.id);
    this.#channels.delete(call.peer.id);
    const record = this.#calls.get(call);
    this.#calls.delete(call);
    if (!record) return;
    this.#finished.unshift(this.#refresh(call, record));
    this.#finished.length = Math.min(this.#finished.length, RECORDS_KEPT);
  }
}
