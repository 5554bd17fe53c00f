import type { AriEvent, AriRest, EventRecorder } from './ari-recorder.js';

export interface ReferenceCallOptions {
  rest: AriRest;
  recorder: EventRecorder;
  app: string;
  /** Real ms per scenario ms of the simulator. */
  timeScale: number;
  number: string;
  attemptId: string;
  /** How a consenting human is handed off. */
  handOff: 'continue' | 'move';
  aiContext?: string;
  aiApp?: string;
  dialContext?: string;
}

/**
 * Drives one call the way dialstate's flow does (README "How each call was driven"):
 * AMD hop, consent prompt for HUMAN/NOTSURE (1 hands off, 2 hangs up, 8 s of nothing
 * hangs up), TALK_DETECT then a voicemail drop for MACHINE. Resolves with the events
 * of both halves once both are destroyed.
 */
export async function runReferenceCall(options: ReferenceCallOptions): Promise<AriEvent[]> {
  const { rest, recorder, app, timeScale, attemptId } = options;
  const id = `dialstate-${attemptId}`;
  const from = recorder.events.length;
  const timers = new Map<string, NodeJS.Timeout>();
  const later = (name: string, scenarioMs: number, task: () => Promise<unknown>) => {
    timers.set(
      name,
      setTimeout(() => void task(), scenarioMs * timeScale),
    );
  };
  const cancel = (name: string) => clearTimeout(timers.get(name));
  const hangUp = () => rest.delete(`/channels/${encodeURIComponent(id)}`);
  const path = (suffix: string) => `/channels/${encodeURIComponent(id)}${suffix}`;

  const unsubscribe = recorder.subscribe((event) => {
    if (event.channel?.id !== id && event.playback?.target_uri !== `channel:${id}`) return;
    void react(event);
  });
  const react = async (event: AriEvent): Promise<unknown> => {
    const args = event.args ?? [];
    if (event.type === 'StasisStart' && args[0] === 'dial') {
      return rest.post(path('/continue'), {
        context: 'aava-outbound-amd',
        extension: 's',
        priority: 1,
      });
    }
    if (event.type === 'StasisStart' && args[0] === 'amd') {
      if (args[2] === 'MACHINE') {
        later('greeting', 30_000, () =>
          rest.post(path('/play'), {
            media: 'sound:vm-intro',
            playbackId: `${attemptId}-voicemail`,
          }),
        );
        return rest.post(path('/variable'), { variable: 'TALK_DETECT(set)' });
      }
      later('consent', 1970 + 8000, hangUp);
      return rest.post(path('/play'), {
        media: 'sound:if-correct-press',
        playbackId: `${attemptId}-consent`,
      });
    }
    if (event.type === 'ChannelTalkingFinished') {
      cancel('greeting');
      return rest.post(path('/play'), {
        media: 'sound:vm-intro',
        playbackId: `${attemptId}-voicemail`,
      });
    }
    if (event.type === 'PlaybackFinished' && event.playback?.id === `${attemptId}-voicemail`)
      return hangUp();
    if (event.type === 'ChannelDtmfReceived') cancel('consent');
    if (event.type === 'ChannelDtmfReceived' && event.digit === '2') return hangUp();
    if (event.type === 'ChannelDtmfReceived' && event.digit === '1') {
      for (const [variable, value] of <Array<[string, string]>>[
        ['AI_CONTEXT', `attempt=${attemptId}`],
        ['AI_PROVIDER', 'stub'],
        ['AI_AGENT', 'agent-1'],
        ['AAVA_LEAD_VARS', '{"name":"Ada"}'],
      ]) {
        await rest.post(path('/variable'), { variable, value });
      }
      if (options.handOff === 'move') {
        return rest.post(path('/move'), {
          app: options.aiApp ?? 'ai-agent',
          appArgs: `handoff,${attemptId}`,
        });
      }
      return rest.post(path('/continue'), {
        context: options.aiContext ?? 'ai-agent',
        extension: 's',
        priority: 1,
      });
    }
    return undefined;
  };

  try {
    const originated = await rest.post(
      '/channels',
      {
        endpoint: `Local/${options.number}@${options.dialContext ?? 'from-internal'}`,
        app,
        appArgs: `dial,${attemptId}`,
        channelId: id,
        otherChannelId: `${id};2`,
        callerId: 'Dialer <6789>',
        timeout: 30,
      },
      {
        variables: {
          AMPUSER: '6789',
          __DIALSTATE_ATTEMPT_ID: attemptId,
          DIALSTATE_STASIS_APP: app,
        },
      },
    );
    if (originated.status !== 200) throw new Error(`originate answered ${originated.status}`);
    const destroyed = (channelId: string) => (event: AriEvent) =>
      event.type === 'ChannelDestroyed' && event.channel?.id === channelId;
    const timeoutMs = 120_000 * timeScale + 5000;
    await recorder.waitFor(destroyed(id), { from, timeoutMs });
    await recorder.waitFor(destroyed(`${id};2`), { from, timeoutMs });
    return recorder.events
      .slice(from)
      .filter(
        (e) =>
          e.channel?.id?.startsWith(id) ||
          e.peer?.id === id ||
          e.playback?.target_uri === `channel:${id}`,
      );
  } finally {
    unsubscribe();
    for (const timer of timers.values()) clearTimeout(timer);
  }
}
