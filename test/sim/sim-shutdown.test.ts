import { describe, expect, it } from 'vitest';
import { createSimulator } from '../../src/sim/simulator.js';
import { ariRest, EventRecorder } from './support/ari-recorder.js';

describe('the simulated PBX shutting down and coming back', () => {
  it('hangs every call up with cause 0, answers 503 while going, refuses connections, and returns empty on the same port', async () => {
    const sim = createSimulator({ user: 'dialstate', password: 'secret', timeScale: 0.01 });
    const { url } = await sim.start();
    const rest = ariRest(url);
    const recorder = await EventRecorder.connect(url, 'dialstate');
    let closed = false;
    recorder.onClose(() => {
      closed = true;
    });
    for (const id of ['cut-1', 'cut-2']) {
      await rest.post('/channels', {
        endpoint: 'Local/5550101@from-internal',
        app: 'dialstate',
        appArgs: `dial,${id}`,
        channelId: id,
      });
      await recorder.waitFor((e) => e.type === 'StasisStart' && e.channel?.id === id);
    }

    const going = sim.shutdown({ drainMs: 300 });
    const destroyed = await recorder.waitFor(
      (e) => e.type === 'ChannelDestroyed' && e.channel?.id === 'cut-2',
    );
    expect(destroyed.cause).toBe(0);
    const ends = recorder.events
      .filter((e) => e.type === 'ChannelHangupRequest' || e.type === 'ChannelDestroyed')
      .map((e) => `${e.type} ${e.channel?.id} ${String(e.cause)}${e.soft ? ' soft' : ''}`);
    expect(ends).toEqual(
      ['cut-1', 'cut-2'].flatMap((id) => [
        `ChannelHangupRequest ${id} 0`,
        `ChannelHangupRequest ${id};2 0`,
        `ChannelDestroyed ${id};2 0`,
        `ChannelDestroyed ${id} 0`,
      ]),
    );
    // While it goes: an HTML 503, as Asterisk's HTTP server answers then.
    const during = await fetch(`${url}/ari/asterisk/ping`);
    expect(during.status).toBe(503);
    expect(await during.text()).toContain('<title>503 Service Unavailable</title>');
    await going;
    expect(closed).toBe(true);
    await expect(fetch(`${url}/ari/asterisk/ping`)).rejects.toThrow();

    const again = await sim.start();
    expect(again.url).toBe(url);
    expect((await rest.get('/channels')).body).toEqual([]);
    expect((await rest.get('/asterisk/ping')).status).toBe(200);
    await sim.stop();
  });
});
