import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventsApi } from '../../src/sim/api-docs/events-api.js';
import { NUMBER_SUFFIX_RULES } from '../../src/sim/sim-scenarios.js';
import { createSimulator, type Simulator } from '../../src/sim/simulator.js';
import { type AriRest, ariRest, EventRecorder } from './support/ari-recorder.js';
import { runReferenceCall } from './support/reference-dialer.js';
import { loadRealEventModels, validateMessage } from './support/swagger-validator.js';

const TIME_SCALE = 0.05;

describe('simulated ARI events', () => {
  let sim: Simulator;
  let rest: AriRest;
  let dialer: EventRecorder;
  let url: string;

  beforeAll(async () => {
    sim = createSimulator({ user: 'dialstate', password: 'secret', timeScale: TIME_SCALE });
    ({ url } = await sim.start());
    rest = ariRest(url);
    dialer = await EventRecorder.connect(url, 'dialstate');
  });

  afterAll(async () => {
    dialer.close();
    await sim.stop();
  });

  it('sends only events that validate against the real events.json models, in every scenario', async () => {
    const numbers = [...NUMBER_SUFFIX_RULES.map((rule) => `55501${rule.suffix}`), '5550199'];
    const calls = numbers.map((number, i) =>
      runReferenceCall({
        rest,
        recorder: dialer,
        app: 'dialstate',
        timeScale: TIME_SCALE,
        number,
        attemptId: `m${i}`,
        handOff: 'continue',
      }),
    );
    calls.push(
      runReferenceCall({
        rest,
        recorder: dialer,
        app: 'dialstate',
        timeScale: TIME_SCALE,
        number: '5550101',
        attemptId: 'move-1',
        handOff: 'move',
      }),
      runReferenceCall({
        rest,
        recorder: dialer,
        app: 'dialstate',
        timeScale: TIME_SCALE,
        number: '5550115',
        attemptId: 'move-15',
        handOff: 'move',
      }),
      runReferenceCall({
        rest,
        recorder: dialer,
        app: 'dialstate',
        timeScale: TIME_SCALE,
        number: '123',
        attemptId: 'bad-ctx',
        handOff: 'continue',
        dialContext: 'no-such-context',
      }),
    );
    await Promise.all(calls);

    // The rarer events: a failed move, a playback list, a replaced app.
    const special = 'dialstate-special';
    await rest.post('/channels', {
      endpoint: 'Local/5550101@from-internal',
      app: 'dialstate',
      appArgs: 'dial,special',
      channelId: special,
    });
    await dialer.waitFor((e) => e.type === 'StasisStart' && e.channel?.id === special);
    await rest.post(`/channels/${special}/move`, { app: 'nobody-holds-this' });
    await rest.post(`/channels/${special}/play`, {
      media: 'sound:beep,sound:hello',
      playbackId: 'list',
    });
    await dialer.waitFor((e) => e.type === 'PlaybackFinished' && e.playback?.id === 'list');
    await rest.post(`/channels/${special}/continue`, {
      context: 'no-such-context',
      extension: 's',
      priority: 1,
    });
    await dialer.waitFor((e) => e.type === 'ChannelDestroyed' && e.channel?.id === `${special};2`);
    const replaced = await EventRecorder.connect(url, 'other-app');
    const replacing = await EventRecorder.connect(url, 'other-app');
    await replaced.waitFor((e) => e.type === 'ApplicationReplaced');
    replaced.close();
    replacing.close();

    const models = loadRealEventModels();
    const all = [...dialer.events, ...replaced.events];
    const problems = all.flatMap((event) =>
      validateMessage(models, event).map((p) => `${event.type}: ${p}`),
    );
    expect([...new Set(problems)]).toEqual([]);
    const types = new Set(all.map((event) => event.type));
    for (const type of [
      'ApplicationMoveFailed',
      'PlaybackContinuing',
      'ApplicationReplaced',
      'ChannelTalkingFinished',
      'ChannelUserevent',
      'ChannelDtmfReceived',
    ]) {
      expect(types).toContain(type);
    }
  });

  it('declares a model in its own api-docs for every event type it sends', () => {
    const sent = new Set(dialer.events.map((event) => event.type));
    sent.add('ApplicationReplaced');
    const declared = new Set(Object.keys(eventsApi.models));
    expect([...sent].filter((type) => !declared.has(type))).toEqual([]);
  });
});
