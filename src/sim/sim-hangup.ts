import type { SimCall } from './sim-call.js';
import { CAUSE, causeText } from './sim-causes.js';
import type { SimChannel } from './sim-channel.js';
import { stopTalkDetect } from './sim-talk-detect.js';
import type { SimWorld } from './sim-world.js';

// Asterisk's AST_SOFTHANGUP_EXPLICIT flag, which ChannelHangupRequest reports as its
// "cause" when ARI hangs a channel up (fact 7).
const SOFTHANGUP_EXPLICIT = 32;

/**
 * `DELETE /channels/{id}` on the dialer's half, by the dialer or by an agent app
 * (facts 7 and 9): `ChannelHangupRequest` 32 soft, `StasisEnd`, then both halves are
 * destroyed with `cause`. During ringing the dial ends `NOANSWER` (fact 3).
 */
export function hangUpByRequest(world: SimWorld, call: SimCall, cause: number): void {
  endLocal(world, call, { cause, request: { cause: SOFTHANGUP_EXPLICIT, soft: true } });
}

/**
 * The dialer's half ran `Hangup()` in the dialplan (the end of an AI context, or a
 * `Stasis()` that could not start): no `ChannelHangupRequest` for it (fact 10).
 */
export function hangUpInDialplan(world: SimWorld, call: SimCall, cause: number): void {
  endLocal(world, call, { cause });
}

/**
 * The callee hangs up (`Hangup(cause)` on `;2`): Asterisk queues the hangup on `;1`,
 * which reports `ChannelHangupRequest` with the cause, then both halves go. If `;1` is
 * running `AMD()`, AMD ends with `AMDSTATUS=HANGUP` and the dialplan never reaches its
 * `Stasis()` step (pbx stops a channel that was hung up under an application).
 */
export function hangUpFarEnd(world: SimWorld, call: SimCall, cause: number): void {
  if (call.ended) return;
  const { peer, local } = call;
  const { events } = world;
  peer.ownCause = cause;
  peer.step(call.context, peer.dialplan.exten, peer.dialplan.priority + 1, 'Hangup', String(cause));
  events.channel('ChannelDialplan', peer, {
    dialplan_app: 'Hangup',
    dialplan_app_data: String(cause),
  });
  call.peerInPlayback = false;
  // Under AMD() (the hop), Asterisk 22 reports the far end's own half first: a soft
  // normal-clearing request on `;2`, then the hang-up queued on `;1`.
  if (call.location.kind === 'amd') {
    events.channel('ChannelHangupRequest', peer, { cause: CAUSE.normalClearing, soft: true });
  }
  events.channel('ChannelHangupRequest', local, { cause });
  runHangupExtension(world, call);
  destroy(world, peer, cause, '');
  endLocal(world, call, { cause });
}

/** The originate's `timeout` ran out while ringing: both halves end 19 (facts 3, 8). */
export function endOnRingTimeout(world: SimWorld, call: SimCall): void {
  endLocal(world, call, { cause: CAUSE.noAnswer });
}

/**
 * The far end refused before answering (`Busy()`, `Congestion()`): the dial reports the
 * status, `;1` is destroyed with cause 0 in state Down and `;2` with its own cause (fact 8).
 */
export function endRefused(world: SimWorld, call: SimCall, dialstatus: string): void {
  call.dialStatus = dialstatus;
  world.events.dial(call.local, dialstatus, call.dialstring);
  endLocal(world, call, { cause: CAUSE.unknown });
}

/**
 * The channel was continued into a context that does not exist (fact 16): its pbx ends
 * at once, both halves go with cause 0, and a stray `ChannelDialplan` of `;1` follows its
 * `ChannelDestroyed`.
 */
export function endInMissingContext(world: SimWorld, call: SimCall): void {
  endLocal(world, call, { cause: CAUSE.unknown, strayStep: true });
}

/**
 * Asterisk is shutting down (`core stop now`): every channel is hung up with cause 0.
 * Both halves report a `ChannelHangupRequest` without `soft`, the playback in progress
 * fails, the dialer's half leaves Stasis, then both are destroyed with cause 0.
 */
export function endOnShutdown(world: SimWorld, call: SimCall): void {
  if (call.ended) return;
  const { local, peer } = call;
  const { events } = world;
  const inStasis = call.location.kind === 'stasis';
  call.end();
  stopTalkDetect(call);
  events.channel('ChannelHangupRequest', local, { cause: CAUSE.unknown });
  if (!peer.destroyed) events.channel('ChannelHangupRequest', peer, { cause: CAUSE.unknown });
  if (inStasis) {
    world.playbacks.endAll(call, 'failed');
    const app = local.stasisApp;
    local.stasisApp = null;
    if (app) events.stasisEnd(app, local);
  }
  destroy(world, peer, CAUSE.unknown, '');
  destroyLocal(world, call, CAUSE.unknown);
  world.callEnded(call);
}

/** Originate into a context that does not exist: both halves go with cause 0 (fact 15). */
export function endMissingOriginateContext(world: SimWorld, call: SimCall): void {
  call.end();
  destroy(world, call.peer, CAUSE.unknown, '');
  destroyLocal(world, call, CAUSE.unknown);
  world.callEnded(call);
}

interface EndLocalOptions {
  /** Cause of `;1` (and of `;2` unless a dialplan app set its own). */
  cause: number;
  /** The `ChannelHangupRequest` `;1` reports first, if it was asked to hang up. */
  request?: { cause: number; soft: boolean };
  strayStep?: boolean;
}

/** Ends the dialer's half wherever it is, then the far end's half if it is still up. */
function endLocal(world: SimWorld, call: SimCall, options: EndLocalOptions): void {
  if (call.ended) return;
  const { local, peer } = call;
  const { events } = world;
  const location = call.location;
  call.end();
  stopTalkDetect(call);
  if (options.request) {
    events.channel('ChannelHangupRequest', local, { ...options.request });
    if (call.answeredAt === null && call.dialed) {
      call.dialStatus = 'NOANSWER';
      events.dial(local, 'NOANSWER', call.dialstring);
    }
  }
  if (location.kind === 'stasis') {
    world.playbacks.endAll(call, 'failed');
    const app = local.stasisApp;
    local.stasisApp = null;
    if (app) events.stasisEnd(app, local);
  } else if (location.kind === 'amd' && local.variable('AMDSTATUS') === undefined) {
    // AMD() itself was listening. No `h` extension runs for these calls (none in ~150
    // real ones), so nothing more of the AMD context is reported.
    local.setVariable('AMDSTATUS', 'HANGUP');
    events.channel('ChannelVarset', local, { variable: 'AMDSTATUS', value: 'HANGUP' });
    local.setVariable('AMDCAUSE', '');
    events.channel('ChannelVarset', local, { variable: 'AMDCAUSE', value: '' });
  }
  while (local.stasisStack.pop()) {
    local.setVariable('STASISSTATUS', 'SUCCESS');
    events.channel('ChannelVarset', local, { variable: 'STASISSTATUS', value: 'SUCCESS' });
  }
  if (!peer.destroyed) events.channel('ChannelHangupRequest', peer, { cause: options.cause });
  // A trunk channel ends with the far end's own cause; a Local `;1` with its own.
  destroyLocal(world, call, call.direct ? (peer.ownCause ?? options.cause) : options.cause);
  if (options.strayStep) {
    events.channel('ChannelDialplan', local, {
      dialplan_app: 'AppDial2',
      dialplan_app_data: '(Outgoing Line)',
    });
  }
  if (!peer.destroyed) {
    if (call.peerInPlayback) {
      call.peerInPlayback = false;
      peer.setVariable('PLAYBACKSTATUS', 'SUCCESS');
      events.channel('ChannelVarset', peer, { variable: 'PLAYBACKSTATUS', value: 'SUCCESS' });
    }
    events.channel('ChannelHangupRequest', peer, { cause: CAUSE.normalClearing, soft: true });
    const peerCause = peer.ownCause ?? options.cause;
    runHangupExtension(world, call, peerCause);
    destroy(world, peer, peerCause, '');
  }
  world.callEnded(call);
}

/** `;2` runs the `h` extension of its context before it goes. */
function runHangupExtension(world: SimWorld, call: SimCall, cause = call.peer.ownCause ?? 0): void {
  const { peer } = call;
  peer.step(call.context, 'h', 1, 'NoOp', `SIM hangup: ${peer.name} cause=${cause}`);
  world.events.channel('ChannelDialplan', peer, {
    dialplan_app: 'NoOp',
    dialplan_app_data: peer.dialplan.app_data,
  });
  peer.step(call.context, 'h', 2, '', '');
}

/** `;1` goes; its snapshot shows the dial application again, as Asterisk's does. */
function destroyLocal(world: SimWorld, call: SimCall, cause: number): void {
  destroy(world, call.local, cause, 'AppDial2', '(Outgoing Line)');
}

function destroy(
  world: SimWorld,
  channel: SimChannel,
  cause: number,
  app: string,
  data = '',
): void {
  if (channel.destroyed) return;
  const { context, exten, priority } = channel.dialplan;
  channel.step(context, exten, priority, app, data);
  channel.destroyed = true;
  world.events.channel('ChannelDestroyed', channel, { cause, cause_txt: causeText(cause) });
}
