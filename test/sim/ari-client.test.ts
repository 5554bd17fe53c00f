import ari, { type Channel, type Client } from 'ari-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '../../src/sim/simulator.js';

const TIME_SCALE = 0.02;

/** Resolves when `client` emits `type` for which `match` holds. */
function nextEvent<T = Record<string, unknown>>(
  client: Client,
  type: string,
  match: (event: T, instance: unknown) => boolean = () => true,
): Promise<{ event: T; instance: unknown }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${type} within 5 s`)), 5000);
    const listener = (event: T, instance: unknown) => {
      if (!match(event, instance)) return;
      clearTimeout(timer);
      client.removeListener(type as never, listener as never);
      resolve({ event, instance });
    };
    client.on(type as never, listener as never);
  });
}

describe('ari-client 2.2.0 against the simulator', () => {
  let sim: Simulator;
  let url: string;
  let client: Client;

  beforeAll(async () => {
    sim = createSimulator({ user: 'dialstate', password: 'secret', timeScale: TIME_SCALE });
    ({ url } = await sim.start());
    client = await ari.connect(url, 'dialstate', 'secret');
    await client.start('dialstate');
  });

  afterAll(async () => {
    client.stop();
    await sim.stop();
  });

  it('originates, continues, plays and hands off through its generated methods', async () => {
    const seen: string[] = [];
    const record = (event: { type: string; channel?: { id: string } }) => {
      if (event.channel?.id === 'dialstate-a1') seen.push(event.type);
    };
    client.on('StasisStart', record);
    client.on('StasisEnd', record);
    client.on('ChannelDtmfReceived', record);
    client.on('ChannelUserevent', record);
    client.on('ChannelDestroyed', record);

    const dialed = nextEvent<{ args: string[] }>(
      client,
      'StasisStart',
      (e) => e.args[0] === 'dial',
    );
    const originated = await client.channels.originate({
      endpoint: 'Local/5550101@from-internal',
      app: 'dialstate',
      appArgs: 'dial,a1',
      channelId: 'dialstate-a1',
      otherChannelId: 'dialstate-a1;2',
      callerId: 'Dialer <6789>',
      timeout: 30,
      variables: {
        AMPUSER: '6789',
        __DIALSTATE_ATTEMPT_ID: 'a1',
        DIALSTATE_STASIS_APP: 'dialstate',
        'CALLERID(num)': '6789',
      },
    });
    expect(originated.id).toBe('dialstate-a1');
    expect(originated.state).toBe('Down');

    const { event: dialEvent, instance: dialChannel } = await dialed;
    expect(dialEvent.args).toEqual(['dial', 'a1']);
    const screened = nextEvent<{ args: string[] }>(
      client,
      'StasisStart',
      (e) => e.args[0] === 'amd',
    );
    await (dialChannel as Channel).continueInDialplan({
      context: 'aava-outbound-amd',
      extension: 's',
      priority: 1,
    });
    const { event: amdEvent, instance: amdChannel } = await screened;
    expect(amdEvent.args).toEqual(['amd', 'a1', 'HUMAN', 'HUMAN-800-800']);

    const channel = amdChannel as Channel;
    const prompt = client.Playback();
    const started = nextEvent(client, 'PlaybackStarted');
    const playback = await channel.play({ media: 'sound:if-correct-press' }, prompt);
    expect(playback.id).toBe(prompt.id);
    expect(playback.state).toBe('queued');
    expect((await started).instance).toHaveProperty('stop');

    const { event: digit } = await nextEvent<{ digit: string }>(client, 'ChannelDtmfReceived');
    expect(digit.digit).toBe('1');
    await channel.setChannelVar({ variable: 'AI_CONTEXT', value: 'attempt=a1' });
    await channel.setChannelVar({ variable: 'AI_PROVIDER', value: 'stub' });
    const gone = nextEvent<{ channel: { id: string } }>(
      client,
      'ChannelDestroyed',
      (e) => e.channel.id === 'dialstate-a1',
    );
    const userEvent = nextEvent<{ userevent: Record<string, string> }>(client, 'ChannelUserevent');
    await channel.continueInDialplan({ context: 'ai-agent', extension: 's', priority: 1 });
    expect((await userEvent).event.userevent).toEqual({
      eventname: 'AiHandoff',
      ai_context: 'attempt=a1',
      ai_provider: 'stub',
    });
    await gone;

    expect(seen).toEqual([
      'StasisStart',
      'StasisEnd',
      'StasisStart',
      'ChannelDtmfReceived',
      'StasisEnd',
      'ChannelUserevent',
      'ChannelDestroyed',
    ]);
    const originate = sim
      .requests()
      .find((request) => request.method === 'POST' && request.path === '/ari/channels');
    expect(originate?.body).toEqual({
      variables: {
        AMPUSER: '6789',
        __DIALSTATE_ATTEMPT_ID: 'a1',
        DIALSTATE_STASIS_APP: 'dialstate',
        'CALLERID(num)': '6789',
      },
    });
    expect(originate?.query).toMatchObject({
      endpoint: 'Local/5550101@from-internal',
      channelId: 'dialstate-a1',
      timeout: '30',
    });
    expect(sim.calls()[0]?.variables).toMatchObject({
      AMPUSER: '6789',
      DIALSTATE_ATTEMPT_ID: 'a1',
      AI_PROVIDER: 'stub',
    });
  });

  it('hangs up through its generated method and rejects with the ARI message for a gone channel', async () => {
    const dialed = nextEvent<{ args: string[] }>(client, 'StasisStart', (e) => e.args[1] === 'a2');
    await client.channels.originate({
      endpoint: 'Local/5550104@from-internal',
      app: 'dialstate',
      appArgs: 'dial,a2',
      channelId: 'dialstate-a2',
    });
    const { instance } = await dialed;
    const destroyed = nextEvent<{ cause: number; channel: { id: string } }>(
      client,
      'ChannelDestroyed',
      (e) => e.channel.id === 'dialstate-a2',
    );
    await (instance as Channel).hangup();
    expect((await destroyed).event.cause).toBe(16);
    await expect(client.channels.get({ channelId: 'dialstate-a2' })).rejects.toThrow(
      '{"message":"Channel not found"}',
    );
    await expect(
      client.channels
        .originate({
          endpoint: 'Local/5550101@from-internal',
          app: 'dialstate',
          channelId: 'dialstate-a3',
        })
        .then(() =>
          client.channels.originate({
            endpoint: 'Local/5550101@from-internal',
            app: 'dialstate',
            channelId: 'dialstate-a3',
          }),
        ),
    ).rejects.toThrow('{"message":"Channel with given unique ID already exists"}');
    await client.channels.hangup({ channelId: 'dialstate-a3' });
  });

  it('lets a second client take the app over, the first hearing ApplicationReplaced', async () => {
    const second = await ari.connect(url, 'dialstate', 'secret');
    const replaced = nextEvent<{ application: string }>(client, 'ApplicationReplaced');
    await second.start('dialstate');
    expect((await replaced).event.application).toBe('dialstate');
    const apps = await second.applications.list();
    expect(apps.map((app) => app.name)).toContain('dialstate');
    second.stop();
  });
});
