import type { AriEvent } from './ari-recorder.js';

/** What a trace comparison looks at for one call, as seen by one app. */
export interface CallFacts {
  /** Event types of the `;1` half in order, noise (ChannelVarset, ChannelDialplan) left out. */
  localTypes: string[];
  dialStatuses: string[];
  /** ChannelHangupRequest causes (with `s` for soft) of each half, in order. */
  hangupRequests: { local: string[]; peer: string[] };
  destroyed: {
    local: { cause: unknown; state: unknown } | null;
    peer: { cause: unknown; state: unknown } | null;
  };
  /** StasisStart args, with the attempt id that dialstate's AMD context adds taken out. */
  stasisArgs: string[][];
  playbackFinished: string[];
  noise: {
    localVarset: boolean;
    localDialplan: boolean;
    peerVarset: boolean;
    peerDialplan: boolean;
  };
}

const NOISE = new Set(['ChannelVarset', 'ChannelDialplan']);

/** Extracts the facts about channel `id` (and `id;2`) from the events one app received. */
export function callFacts(
  events: readonly AriEvent[],
  id: string,
  options: { amdArgsHaveId: boolean },
): CallFacts {
  const peerId = `${id};2`;
  const local = events.filter(
    (e) => e.channel?.id === id || e.peer?.id === id || e.playback?.target_uri === `channel:${id}`,
  );
  const peer = events.filter((e) => e.channel?.id === peerId);
  const hangups = (list: readonly AriEvent[]) =>
    list
      .filter((e) => e.type === 'ChannelHangupRequest')
      .map((e) => `${String(e.cause)}${e.soft ? 's' : ''}`);
  const destroyedOf = (list: readonly AriEvent[]) => {
    const event = list.find((e) => e.type === 'ChannelDestroyed');
    return event ? { cause: event.cause, state: event.channel?.state } : null;
  };
  return {
    localTypes: local.filter((e) => !NOISE.has(e.type)).map((e) => e.type),
    dialStatuses: local.filter((e) => e.type === 'Dial').map((e) => String(e.dialstatus)),
    hangupRequests: {
      local: hangups(local.filter((e) => e.channel?.id === id)),
      peer: hangups(peer),
    },
    destroyed: {
      local: destroyedOf(local.filter((e) => e.channel?.id === id)),
      peer: destroyedOf(peer),
    },
    stasisArgs: local
      .filter((e) => e.type === 'StasisStart')
      .map((e) => {
        const args = [...(e.args ?? [])];
        if (options.amdArgsHaveId && args[0] === 'amd') args.splice(1, 1);
        // AMDCAUSE's first number is what app_amd measured (a multiple of its frames,
        // e.g. 803 for an 800 ms threshold); the parameter after it is what must agree.
        if (args[0] === 'amd' && args[2] !== undefined) {
          args[2] = args[2].replace(/^(HUMAN|INITIALSILENCE)-\d+-/, '$1-*-');
        }
        return args;
      }),
    playbackFinished: local
      .filter((e) => e.type === 'PlaybackFinished')
      .map((e) => String(e.playback?.state)),
    noise: {
      localVarset: local.some((e) => e.type === 'ChannelVarset'),
      localDialplan: local.some((e) => e.type === 'ChannelDialplan'),
      peerVarset: peer.some((e) => e.type === 'ChannelVarset'),
      peerDialplan: peer.some((e) => e.type === 'ChannelDialplan'),
    },
  };
}
