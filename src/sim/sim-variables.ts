import { type AriResult, ariError, ariOk } from './ari-result.js';
import { amdHopHasLabel } from './sim-amd-hop.js';
import type { SimCall } from './sim-call.js';
import type { SimChannel } from './sim-channel.js';
import { startTalkDetect, stopTalkDetect } from './sim-talk-detect.js';
import type { SimWorld } from './sim-world.js';

/** `NAME(arg1,arg2)` → `['NAME', ['arg1', 'arg2']]`; null for a plain variable. */
function asFunction(name: string): readonly [string, string[]] | null {
  const match = /^([A-Z_]+)\((.*)\)$/i.exec(name);
  if (!match) return null;
  return [(match[1] ?? '').toUpperCase(), (match[2] ?? '').split(',').map((arg) => arg.trim())];
}

/**
 * `GET /channels/{id}/variable`: a channel variable, or one of the dialplan functions
 * the simulator evaluates. `DIALPLAN_EXISTS(context[,exten[,priority]])` gives "1" or
 * "0" on a live channel (fact 18); a variable that is not set is a 404.
 */
export function readChannelVariable(
  world: SimWorld,
  channel: SimChannel,
  name: string,
): AriResult<string> {
  const fn = asFunction(name);
  if (!fn) {
    const value = channel.variable(name);
    return value === undefined ? ariError(404, 'Provided variable was not found') : ariOk(value);
  }
  const [fnName, args] = fn;
  switch (fnName) {
    case 'DIALPLAN_EXISTS': {
      const [context = '', , priority = '1'] = args;
      // A priority given by label (the hop's version label) is looked up as Asterisk
      // does; the simulated contexts have every numbered priority a check asks for.
      const exists =
        world.contextExists(context) &&
        (/^\d+$/.test(priority) ||
          (context === world.dialplan.amdContext && amdHopHasLabel(priority)));
      return ariOk(exists ? '1' : '0');
    }
    case 'CALLERID':
      return callerIdPart(channel, args[0] ?? '');
    case 'CONNECTEDLINE':
      return args[0] === 'name' ? ariOk(channel.connected.name) : ariOk(channel.connected.number);
    case 'CHANNEL':
      if (args[0] === 'name') return ariOk(channel.name);
      if (args[0] === 'state') return ariOk(channel.state);
      if (args[0] === 'language') return ariOk('en');
      break;
  }
  return ariError(500, 'Unable to read provided function');
}

/**
 * `POST /channels/{id}/variable` on the dialer's half: a plain variable is stored and
 * reported with `ChannelVarset`; `TALK_DETECT(set|remove)` turns talk detection on or
 * off without any event (fact 17); `CALLERID(num|name)` changes the caller id.
 */
export function writeChannelVariable(
  world: SimWorld,
  call: SimCall,
  name: string,
  value: string,
): AriResult<void> {
  const channel = call.local;
  const fn = asFunction(name);
  if (!fn) {
    channel.setVariable(name, value);
    world.events.channel('ChannelVarset', channel, { variable: name, value });
    return ariOk(undefined);
  }
  const [fnName, args] = fn;
  if (fnName === 'TALK_DETECT') {
    if (args[0] === 'remove') stopTalkDetect(call);
    else if (args[0] === 'set') startTalkDetect(world, call, value);
    else return ariError(400, 'Failed to execute function');
  } else if (fnName === 'CALLERID') {
    if (args[0] === 'num' || args[0] === 'number')
      channel.identify({ caller: { ...channel.caller, number: value } });
    else if (args[0] === 'name') channel.identify({ caller: { ...channel.caller, name: value } });
  }
  return ariOk(undefined);
}

/** Applies an originate variable that is a function, e.g. `CALLERID(num)`. */
export function applyOriginateFunction(channel: SimChannel, name: string, value: string): void {
  const fn = asFunction(name);
  if (fn?.[0] !== 'CALLERID') return;
  if (fn[1][0] === 'num' || fn[1][0] === 'number')
    channel.identify({ caller: { ...channel.caller, number: value } });
  else if (fn[1][0] === 'name') channel.identify({ caller: { ...channel.caller, name: value } });
}

function callerIdPart(channel: SimChannel, part: string): AriResult<string> {
  if (part === 'num' || part === 'number') return ariOk(channel.caller.number);
  if (part === 'name') return ariOk(channel.caller.name);
  if (part === 'all') return ariOk(`"${channel.caller.name}" <${channel.caller.number}>`);
  return ariError(500, 'Unable to read provided function');
}
