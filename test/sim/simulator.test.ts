import { describe, expect, it } from 'vitest';
import { createSimulator, REQUESTS_KEPT, type SimRequestRecord } from '../../src/sim/simulator.js';
import { ariRest, EventRecorder } from './support/ari-recorder.js';

describe('createSimulator', () => {
  it('listens on loopback only', () => {
    expect(() => createSimulator({ host: '0.0.0.0', user: 'u', password: 'p' })).toThrow(
      RangeError,
    );
    expect(() => createSimulator({ host: '192.168.1.10', user: 'u', password: 'p' })).toThrow(
      RangeError,
    );
    expect(() => createSimulator({ user: '', password: 'p' })).toThrow(RangeError);
    expect(() => createSimulator({ user: 'u', password: 'p', timeScale: -1 })).toThrow(RangeError);
  });

  it('starts once, reports its URL, and stops idempotently', async () => {
    const sim = createSimulator({ user: 'dialstate', password: 'secret' });
    expect(sim.url).toBeNull();
    const { url } = await sim.start();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(sim.url).toBe(url);
    await expect(sim.start()).rejects.toThrow('already started');
    await sim.stop();
    await sim.stop();
    expect(sim.url).toBeNull();
    await expect(fetch(`${url}/ari/asterisk/ping`)).rejects.toThrow();
  });

  it('remembers calls with their scenario, dial status and variables', async () => {
    const sim = createSimulator({
      user: 'dialstate',
      password: 'secret',
      timeScale: 0.01,
      rules: [{ number: '42', scenario: 'busy' }],
    });
    const { url } = await sim.start();
    const recorder = await EventRecorder.connect(url, 'dialstate');
    await ariRest(url).post(
      '/channels',
      { endpoint: 'Local/42@from-internal', app: 'dialstate', channelId: 'remembered' },
      { variables: { __DIALSTATE_ATTEMPT_ID: 'r1' } },
    );
    await recorder.waitFor(
      (e) => e.type === 'ChannelDestroyed' && e.channel?.id === 'remembered;2',
    );
    expect(sim.calls()).toEqual([
      {
        channelId: 'remembered',
        otherChannelId: 'remembered;2',
        number: '42',
        context: 'from-internal',
        scenario: 'busy',
        variables: { DIALSTATE_ATTEMPT_ID: 'r1' },
        dialStatus: 'BUSY',
        live: false,
      },
    ]);
    expect(sim.scenarioFor('42').name).toBe('busy');
    recorder.close();
    await sim.stop();
  });

  it('tells onRequest of every authorized request, past the few requests() keeps', async () => {
    const seen: SimRequestRecord[] = [];
    const sim = createSimulator({
      user: 'dialstate',
      password: 'secret',
      onRequest: (request) => seen.push(request),
    });
    const { url } = await sim.start();
    const rest = ariRest(url);
    const count = REQUESTS_KEPT + 20;
    for (let i = 0; i < count; i += 1) {
      expect((await rest.get(`/channels/nobody-${i}`)).status).toBe(404);
    }
    // Refused credentials are not a request of the client's.
    expect((await ariRest(url, 'dialstate', 'wrong').get('/asterisk/ping')).status).toBe(401);
    await rest.post('/channels', { endpoint: 'Local/42@from-internal', app: 'dialstate' });

    expect(seen).toHaveLength(count + 1);
    expect(seen[0]).toMatchObject({ method: 'GET', path: '/ari/channels/nobody-0' });
    expect(seen.at(-1)).toEqual({
      method: 'POST',
      path: '/ari/channels',
      query: { endpoint: 'Local/42@from-internal', app: 'dialstate' },
      body: null,
    });
    expect(sim.requests()).toHaveLength(REQUESTS_KEPT);
    expect(sim.requests().at(-1)).toBe(seen.at(-1));
    await sim.stop();
  });
});
