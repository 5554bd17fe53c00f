import { runAavaHandoff } from './sim-aava.js';
import { runAmdHop } from './sim-amd-hop.js';
import type { SimCall } from './sim-call.js';
import { CAUSE } from './sim-causes.js';
import { endInMissingContext, hangUpByRequest, hangUpInDialplan } from './sim-hangup.js';
import { leaveStasis } from './sim-stasis.js';
import type { SimWorld } from './sim-world.js';

/** Where `POST /channels/{id}/continue` sends the channel. */
export interface ContinueTarget {
  context?: string;
  extension?: string;
  priority?: number;
}

/**
 * Continues the dialer's half (in Stasis) in the dialplan. The `StasisEnd` that follows
 * is not the end of the call (fact 6). The AMD context runs `AMD()` and returns to
 * Stasis; an AI context hands the call to the stand-in agent (fact 10); a context that
 * does not exist is accepted and the call then ends with cause 0 (fact 16).
 */
export function continueInDialplan(world: SimWorld, call: SimCall, target: ContinueTarget): void {
  const { local } = call;
  const { dialplan } = world;
  const context = target.context || local.dialplan.context;
  const exten = target.extension || local.dialplan.exten;
  const priority = target.priority ?? 1;
  world.playbacks.endAll(call, 'done');
  leaveStasis(world, call);
  call.location = context === dialplan.amdContext ? { kind: 'amd' } : { kind: 'dialplan', context };
  if (context === dialplan.amdContext) {
    runAmdHop(world, call);
  } else if (dialplan.aiContexts.includes(context)) {
    runAiContext(world, call, context, exten);
  } else if (dialplan.aavaContexts.includes(context)) {
    runAavaHandoff(world, call, context);
  } else if (dialplan.dialContexts.includes(context)) {
    // Outbound routes are not simulated for the dialer's own half: it hangs up there.
    step(world, call, [context, exten, priority], 'Hangup', '');
    hangUpInDialplan(world, call, CAUSE.normalClearing);
  } else {
    local.step(context, exten, priority, 'AppDial2', '(Outgoing Line)');
    endInMissingContext(world, call);
  }
}

/**
 * Moves the dialer's half to another Stasis app (fact 9): `StasisEnd` for the old app,
 * `StasisStart` with `args` for the new one. Moving to the built-in agent's app (with no
 * websocket holding it) starts the agent, which hangs up after the scenario's talk time.
 * An app nobody holds gets `ApplicationMoveFailed` and the channel stays.
 */
export function moveToApp(
  world: SimWorld,
  call: SimCall,
  app: string,
  args: readonly string[],
): void {
  const { local } = call;
  const from = local.stasisApp;
  if (!from) return;
  if (!world.appAvailable(app)) {
    world.events.toApp(from, 'ApplicationMoveFailed', {
      channel: local.snapshot(),
      destination: app,
      args: [...args],
    });
    return;
  }
  world.events.stasisEnd(from, local);
  local.stasisApp = app;
  world.events.stasisStart(app, local, args);
  if (app !== world.dialplan.aiApp) return;
  call.reach('handoff');
  if (!world.apps.isRegistered(app)) {
    call.after(call.scenario.talkMs, () => hangUpByRequest(world, call, CAUSE.normalClearing));
  }
}

/**
 * The stand-in for a dialplan AI agent (fact 10): a `UserEvent(AiHandoff,…)` with the
 * `AI_CONTEXT` and `AI_PROVIDER` set before, the scenario's talk time, then `Hangup(16)`.
 */
function runAiContext(world: SimWorld, call: SimCall, context: string, exten: string): void {
  const { local } = call;
  const aiContext = local.variable('AI_CONTEXT') ?? '';
  const aiProvider = local.variable('AI_PROVIDER') ?? '';
  const data = `AiHandoff,ai_context: ${aiContext},ai_provider: ${aiProvider}`;
  step(world, call, [context, exten, 1], 'NoOp', `AI handoff stub: ${local.name}`);
  step(world, call, [context, exten, 2], 'ExecIf', `${local.state === 'Up' ? 0 : 1}?Answer()`);
  step(
    world,
    call,
    [context, exten, 3],
    'Verbose',
    `1,AI handoff: channel=${local.name} AI_CONTEXT=${aiContext} AI_PROVIDER=${aiProvider}`,
  );
  step(world, call, [context, exten, 4], 'UserEvent', data);
  world.events.channel('ChannelUserevent', local, {
    eventname: 'AiHandoff',
    userevent: { eventname: 'AiHandoff', ai_context: aiContext, ai_provider: aiProvider },
  });
  const talkMs = call.scenario.talkMs;
  step(world, call, [context, exten, 5], 'Wait', String(talkMs / 1000));
  call.reach('handoff');
  call.after(talkMs, () => {
    step(world, call, [context, exten, 6], 'Hangup', String(CAUSE.normalClearing));
    hangUpInDialplan(world, call, CAUSE.normalClearing);
  });
}

/** Moves the dialer's half to a dialplan step and reports it. */
function step(
  world: SimWorld,
  call: SimCall,
  [context, exten, priority]: readonly [string, string, number],
  app: string,
  data: string,
): void {
  call.local.step(context, exten, priority, app, data);
  world.events.channel('ChannelDialplan', call.local, {
    dialplan_app: app,
    dialplan_app_data: data,
  });
}
