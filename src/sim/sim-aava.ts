import { AAVA_VARIABLES, type AavaSessionRecord } from './sim-aava-state.js';
import type { SimCall } from './sim-call.js';
import { CAUSE } from './sim-causes.js';
import { hangUpByRequest, hangUpInDialplan } from './sim-hangup.js';
import type { SimWorld } from './sim-world.js';

// AAVA's engine starts a caller session only for channels of these technologies; a
// Local channel is a helper leg of some other call.
const CALLER_TECHNOLOGIES = ['SIP/', 'PJSIP/', 'DAHDI/', 'IAX2/', 'Dongle/'];
const SESSIONS_KEPT = 1000;

/**
 * The hand-off context of an `aava` target (src/ari/handoff-dialplan.ts renders it; the
 * steps below follow its priorities): `NoOp`, `Set(DIALSTATE_HANDOFF_VERSION=…)`,
 * `Stasis(${DIALSTATE_AAVA_APP})` with no arguments, then — when `Stasis()` returns —
 * the fallback that releases the caller.
 */
export function runAavaHandoff(world: SimWorld, call: SimCall, context: string): void {
  const { local } = call;
  const app = local.variable('DIALSTATE_AAVA_APP') ?? '';
  step(
    world,
    call,
    context,
    1,
    'NoOp',
    `dialstate hand-off to AAVA for attempt ${local.variable('DIALSTATE_ATTEMPT_ID') ?? ''}`,
  );
  step(world, call, context, 2, 'Set', 'DIALSTATE_HANDOFF_VERSION=1');
  local.setVariable('DIALSTATE_HANDOFF_VERSION', '1');
  step(world, call, context, 3, 'Stasis', app);
  const aava = world.aava;
  if (!aava.connected || app !== aava.app) {
    // Stasis() refuses an app nobody holds: the dialplan goes on to the fallback.
    local.setVariable('STASISSTATUS', 'FAILED');
    world.events.channel('ChannelVarset', local, { variable: 'STASISSTATUS', value: 'FAILED' });
    step(world, call, context, 4, 'GotoIf', '0?done');
    step(world, call, context, 5, 'Log', `WARNING,dialstate: AAVA app ${app} is not connected`);
    step(world, call, context, 6, 'ExecIf', '0?Playback()');
    step(world, call, context, 7, 'Hangup', '');
    hangUpInDialplan(world, call, CAUSE.normalClearing);
    return;
  }
  local.setVariable('STASISSTATUS', '');
  world.events.channel('ChannelVarset', local, { variable: 'STASISSTATUS', value: '' });
  local.stasisApp = app;
  local.stasisStack.push('dialplan');
  call.location = { kind: 'stasis' };
  world.events.stasisStart(app, local, []);
  atTheDoor(world, call, []);
}

/** AAVA's StasisStart handler: who gets a session, who is hung up at once. */
function atTheDoor(world: SimWorld, call: SimCall, args: string[]): void {
  const { local } = call;
  const isCaller = CALLER_TECHNOLOGIES.some((prefix) => local.name.startsWith(prefix));
  const kind = args.length > 0 ? 'control' : isCaller ? 'session' : 'helper-leg';
  const record: AavaSessionRecord = {
    channelId: local.id,
    channelName: local.name,
    kind,
    args,
    variables: Object.fromEntries(
      AAVA_VARIABLES.map((name) => [name, local.variable(name) ?? null]),
    ) as AavaSessionRecord['variables'],
    callerName: local.caller.name,
    callerNumber: local.caller.number,
    transferredTo: null,
  };
  const { sessions } = world.aava;
  sessions.unshift(record);
  sessions.length = Math.min(sessions.length, SESSIONS_KEPT);
  if (kind !== 'session') {
    // A helper leg finds no caller to attach to; arguments go to internal handlers that
    // do not know this call. Either way AAVA hangs the channel up at once.
    call.after(0, () => hangUpByRequest(world, call, CAUSE.normalClearing));
    return;
  }
  call.reach('handoff');
  const transfer = call.scenario.transfer;
  if (transfer) {
    call.after(transfer.afterMs, () => {
      record.transferredTo = `${transfer.context},${transfer.extension},1`;
      world.transfer(call, transfer.context, transfer.extension);
    });
    return;
  }
  // The agent says goodbye and hangs up: a plain hang-up, cause 16.
  call.after(call.scenario.talkMs, () => hangUpByRequest(world, call, CAUSE.normalClearing));
}

function step(
  world: SimWorld,
  call: SimCall,
  context: string,
  priority: number,
  app: string,
  data: string,
): void {
  call.local.step(context, 's', priority, app, data);
  world.events.channel('ChannelDialplan', call.local, {
    dialplan_app: app,
    dialplan_app_data: data,
  });
}
