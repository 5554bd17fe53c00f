import { describe, expect, it } from 'vitest';
import { createAriCallControl } from '../../src/ari/ari-call-control.js';
import { AriRequestError } from '../../src/ari/ari-errors.js';
import type { AriRest } from '../../src/ari/ari-rest.js';
import { CallControlError } from '../../src/calls/ports.js';

interface Call {
  operation: string;
  params: Record<string, unknown>;
}

/** An AriRest that records each call and fails the ones it is told to. */
function recordingRest(fail: (call: Call) => AriRequestError | null = () => null) {
  const calls: Call[] = [];
  /** The options each request was sent with. */
  const sentWith: ({ answer?: boolean } | undefined)[] = [];
  const rest: AriRest = {
    async call(resource, operation, params = {}, options = undefined) {
      sentWith.push(options);
      const call = { operation: `${resource}.${operation}`, params };
      calls.push(call);
      const error = fail(call);
      if (error) throw error;
      return undefined;
    },
  };
  return { rest, calls, sentWith };
}

const OPTIONS = { app: 'dialstate', dialContext: 'from-internal', amdContext: 'aava-outbound-amd' };
const CHANNEL = 'dialstate-att-1';

describe('createAriCallControl', () => {
  it('originates a Local channel into our app with deterministic ids and the variables in the body object', async () => {
    const { rest, calls } = recordingRest();
    await createAriCallControl(rest, OPTIONS).originate({
      channelId: CHANNEL,
      number: '+15550200001',
      callerId: null,
      timeoutSec: 30,
      variables: { AMPUSER: '6789', __DIALSTATE_ATTEMPT_ID: 'att-1' },
    });
    expect(calls).toEqual([
      {
        operation: 'channels.originate',
        params: {
          endpoint: 'Local/+15550200001@from-internal',
          app: 'dialstate',
          appArgs: 'dial,att-1',
          channelId: CHANNEL,
          otherChannelId: `${CHANNEL};2`,
          callerId: undefined,
          timeout: 30,
          variables: { AMPUSER: '6789', __DIALSTATE_ATTEMPT_ID: 'att-1' },
        },
      },
    ]);
  });

  it('sends every command without reading ARI’s answer to it', async () => {
    const { rest, calls, sentWith } = recordingRest();
    const control = createAriCallControl(rest, OPTIONS);
    await control.originate({
      channelId: CHANNEL,
      number: '1',
      callerId: null,
      timeoutSec: 30,
      variables: {},
    });
    await control.continueToAmd({ channelId: CHANNEL, amdOptions: '' });
    await control.play({ channelId: CHANNEL, playbackId: 'att-1-consent', media: 'sound:x' });
    await control.stopPlayback({ playbackId: 'att-1-consent' });
    await control.detectGreetingEnd({ channelId: CHANNEL });
    await control.handOff({
      channelId: CHANNEL,
      target: { kind: 'app', app: 'agent', args: [] },
      variables: { A: '1' },
    });
    await control.hangUp({ channelId: CHANNEL });
    expect(calls).toHaveLength(8);
    expect(sentWith).toEqual(Array.from({ length: 8 }, () => ({ answer: false })));
  });

  it('continues into the AMD context, plays with our playback id and arms TALK_DETECT', async () => {
    const { rest, calls } = recordingRest();
    const control = createAriCallControl(rest, OPTIONS);
    await control.continueToAmd({ channelId: CHANNEL, amdOptions: '2000,2000' });
    await control.play({ channelId: CHANNEL, playbackId: 'att-1-consent', media: 'sound:x' });
    await control.detectGreetingEnd({ channelId: CHANNEL });
    await control.hangUp({ channelId: CHANNEL });
    await control.hangUp({ channelId: CHANNEL, reason: 'busy' });
    expect(calls).toEqual([
      {
        operation: 'channels.continueInDialplan',
        params: { channelId: CHANNEL, context: 'aava-outbound-amd', extension: 's', priority: 1 },
      },
      {
        operation: 'channels.play',
        params: { channelId: CHANNEL, media: 'sound:x', playbackId: 'att-1-consent' },
      },
      {
        operation: 'channels.setChannelVar',
        params: { channelId: CHANNEL, variable: 'TALK_DETECT(set)' },
      },
      { operation: 'channels.hangup', params: { channelId: CHANNEL } },
      { operation: 'channels.hangup', params: { channelId: CHANNEL, reason: 'busy' } },
    ]);
  });

  it('sets every hand-off variable before moving to an app or continuing into a context', async () => {
    const { rest, calls } = recordingRest();
    const control = createAriCallControl(rest, OPTIONS);
    const variables = { AI_CONTEXT: 'reminder', AI_PROVIDER: 'openai' };
    await control.handOff({
      channelId: CHANNEL,
      target: { kind: 'app', app: 'ai-agent', args: ['handoff', 'att-1'] },
      variables,
    });
    await control.handOff({
      channelId: CHANNEL,
      target: { kind: 'dialplan', context: 'ai-handoff', extension: 's', priority: 1 },
      variables: {},
    });
    expect(calls.map((c) => c.operation)).toEqual([
      'channels.setChannelVar',
      'channels.setChannelVar',
      'channels.move',
      'channels.continueInDialplan',
    ]);
    expect(calls[1]?.params).toEqual({
      channelId: CHANNEL,
      variable: 'AI_PROVIDER',
      value: 'openai',
    });
    expect(calls[2]?.params).toEqual({
      channelId: CHANNEL,
      app: 'ai-agent',
      appArgs: 'handoff,att-1',
    });
    expect(calls[3]?.params).toEqual({
      channelId: CHANNEL,
      context: 'ai-handoff',
      extension: 's',
      priority: 1,
    });
  });

  it('rethrows a refusal as CallControlError with the status, ARI’s message and the cause', async () => {
    const refusal = new AriRequestError(
      'channels.originate',
      'Channel with given unique ID already exists',
      {
        status: 409,
      },
    );
    const { rest } = recordingRest(() => refusal);
    const error = await createAriCallControl(rest, OPTIONS)
      .originate({
        channelId: CHANNEL,
        number: '1',
        callerId: 'X <1>',
        timeoutSec: 30,
        variables: {},
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CallControlError);
    expect(error).toMatchObject({
      status: 409,
      message: 'Channel with given unique ID already exists',
      cause: refusal,
    });
  });

  it('names the variable when a hand-off fails halfway, and stops there', async () => {
    const { rest, calls } = recordingRest((call) =>
      call.params.variable === 'AI_PROVIDER'
        ? new AriRequestError('channels.setChannelVar', 'Channel not found', { status: 404 })
        : null,
    );
    const error = await createAriCallControl(rest, OPTIONS)
      .handOff({
        channelId: CHANNEL,
        target: { kind: 'app', app: 'ai-agent', args: [] },
        variables: { AI_CONTEXT: 'a', AI_PROVIDER: 'b' },
      })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 404, message: 'setting AI_PROVIDER: Channel not found' });
    expect(calls.map((c) => c.operation)).not.toContain('channels.move');
  });

  it('takes a 404 on stopping a playback as already stopped, but not other failures', async () => {
    const notFound = new AriRequestError('playbacks.stop', 'Playback not found', { status: 404 });
    const control = createAriCallControl(recordingRest(() => notFound).rest, OPTIONS);
    await expect(control.stopPlayback({ playbackId: 'att-1-consent' })).resolves.toBeUndefined();

    const down = new AriRequestError('playbacks.stop', 'no answer within 10000 ms');
    const failing = createAriCallControl(recordingRest(() => down).rest, OPTIONS);
    await expect(failing.stopPlayback({ playbackId: 'att-1-consent' })).rejects.toMatchObject({
      status: undefined,
      message: 'no answer within 10000 ms',
    });
  });
});
