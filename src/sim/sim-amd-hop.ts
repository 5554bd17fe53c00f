import { amdHopSteps, type DialplanStep } from '../ari/amd-hop.js';
import { amdVerdictFor } from './sim-amd-verdict.js';
import type { SimCall } from './sim-call.js';
import { CAUSE } from './sim-causes.js';
import { expandDialplan, isTrue } from './sim-dialplan-expr.js';
import { hangUpFarEnd, hangUpInDialplan } from './sim-hangup.js';
import { enterStasis } from './sim-stasis.js';
import type { SimWorld } from './sim-world.js';

/** The app the hop returns to when the channel names none (the simulator's dialer). */
const FALLBACK_APP = 'dialer';

/** The `s` extension of the shipped hop, rendered by the same code as the dialplan file. */
const HOP = amdHopSteps(FALLBACK_APP);
const S_STEPS: readonly DialplanStep[] = HOP.slice(
  0,
  HOP.findIndex((step, index) => index > 0 && step.exten !== undefined),
);
const LABELS = new Map(
  S_STEPS.flatMap((step, index) => (step.label ? [[step.label, index + 1] as const] : [])),
);

/** Whether the simulated AMD context has a priority with this label (DIALPLAN_EXISTS). */
export function amdHopHasLabel(label: string): boolean {
  return LABELS.has(label);
}

/**
 * Runs the AMD context as Asterisk runs the shipped hop, priority by priority, with a
 * `ChannelDialplan` for each and a `ChannelVarset` for each `Set`: `AMD()` reaches the
 * scenario's verdict with the numbers of the channel's `DIALSTATE_AMD_OPTS`, `Stasis()`
 * returns to the app with the verdict, and while that app is not connected the hop's
 * retry loop (`Wait`, `Goto`) runs until the app is back or its time is up.
 */
export function runAmdHop(world: SimWorld, call: SimCall): void {
  runFrom(world, call, 1);
}

function runFrom(world: SimWorld, call: SimCall, first: number): void {
  const { local } = call;
  const context = world.dialplan.amdContext;
  const lookup = (name: string) => {
    if (name === 'CHANNEL(state)') return local.state;
    if (name === 'CHANNEL(name)') return local.name;
    return local.variable(name);
  };
  for (let priority = first; ; ) {
    if (call.ended || call.location.kind !== 'amd') return;
    const step = S_STEPS[priority - 1];
    if (step === undefined) {
      // Falling off the end of an extension hangs the channel up.
      hangUpInDialplan(world, call, CAUSE.normalClearing);
      return;
    }
    const data = expandDialplan(step.data, lookup);
    local.step(context, 's', priority, step.app, data);
    world.events.channel('ChannelDialplan', local, {
      dialplan_app: step.app,
      dialplan_app_data: data,
    });
    const next = priority + 1;
    switch (step.app) {
      case 'Set': {
        const equals = data.indexOf('=');
        setVariable(world, call, data.slice(0, equals), data.slice(equals + 1));
        break;
      }
      case 'AMD': {
        const verdict = amdVerdictFor(call.scenario, data);
        if (verdict.status === 'HANGUP') {
          // AMD reports HANGUP only when the callee hangs up while it listens.
          call.after(verdict.afterMs, () => hangUpFarEnd(world, call, CAUSE.normalClearing));
          return;
        }
        call.after(verdict.afterMs, () => {
          if (call.location.kind !== 'amd') return;
          setVariable(world, call, 'AMDSTATUS', verdict.status);
          setVariable(world, call, 'AMDCAUSE', verdict.cause);
          runFrom(world, call, next);
        });
        return;
      }
      case 'Stasis': {
        const [app = '', ...args] = data.split(',');
        if (enterStasis(world, call, app, args, 'dialplan')) return;
        break;
      }
      case 'GotoIf':
      case 'Goto': {
        const target = jumpTarget(step.app, data);
        if (target !== null) {
          priority = target;
          continue;
        }
        break;
      }
      case 'Wait':
        call.after(Number(data) * 1000, () => runFrom(world, call, next));
        return;
      case 'Hangup':
        hangUpInDialplan(world, call, CAUSE.normalClearing);
        return;
    }
    priority = next;
  }
}

/** The priority a `Goto`/`GotoIf` goes to, or null to go on with the next one. */
function jumpTarget(app: string, data: string): number | null {
  let label = data;
  if (app === 'GotoIf') {
    const question = data.indexOf('?');
    const [yes = '', no = ''] = data.slice(question + 1).split(':');
    label = isTrue(data.slice(0, question)) ? yes : no;
  }
  if (label === '') return null;
  if (label === 's,1') return 1;
  const priority = LABELS.get(label);
  if (priority === undefined) throw new Error(`the AMD hop has no label ${label}`);
  return priority;
}

function setVariable(world: SimWorld, call: SimCall, name: string, value: string): void {
  call.local.setVariable(name, value);
  world.events.channel('ChannelVarset', call.local, { variable: name, value });
}
