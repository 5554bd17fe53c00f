import type { SimCall } from './sim-call.js';
import type { StasisFrame } from './sim-channel.js';
import type { SimWorld } from './sim-world.js';

/**
 * Puts the dialer's half into a Stasis app: `ChannelVarset STASISSTATUS=""` then
 * `StasisStart` with `args` (fact 5). The channel's dialplan location must already show
 * the `Stasis` step. Returns false, with `STASISSTATUS=FAILED`, when no websocket holds
 * the app: Asterisk's `Stasis()` refuses an app that is not registered.
 */
export function enterStasis(
  world: SimWorld,
  call: SimCall,
  app: string,
  args: readonly string[],
  frame: StasisFrame,
): boolean {
  const { local } = call;
  if (!world.appAvailable(app)) {
    local.setVariable('STASISSTATUS', 'FAILED');
    world.events.channel('ChannelVarset', local, { variable: 'STASISSTATUS', value: 'FAILED' });
    return false;
  }
  local.setVariable('STASISSTATUS', '');
  world.events.channel('ChannelVarset', local, { variable: 'STASISSTATUS', value: '' });
  local.stasisApp = app;
  local.stasisStack.push(frame);
  call.location = { kind: 'stasis' };
  world.events.stasisStart(app, local, args);
  return true;
}

/**
 * Takes the dialer's half out of its Stasis app for a `continue` (fact 6): `StasisEnd`,
 * and `STASISSTATUS=SUCCESS` if that Stasis was a dialplan step, which returns now. The
 * originate's own Stasis only returns when the channel ends.
 */
export function leaveStasis(world: SimWorld, call: SimCall): void {
  const { local } = call;
  const app = local.stasisApp;
  local.stasisApp = null;
  if (app) world.events.stasisEnd(app, local);
  if (local.stasisStack.at(-1) === 'dialplan') {
    local.stasisStack.pop();
    local.setVariable('STASISSTATUS', 'SUCCESS');
    world.events.channel('ChannelVarset', local, { variable: 'STASISSTATUS', value: 'SUCCESS' });
  }
}
