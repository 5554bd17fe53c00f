import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { connectAriClient } from '../../src/ari/ari-connect.js';
import { systemClock } from '../../src/calls/ports.js';
import { createSimulator } from '../../src/sim/simulator.js';

describe('connecting ari-client to Swagger 1.1 api-docs', () => {
  it('prints no "deprecated Swagger" line and still builds every resource', async () => {
    const printed = vi.spyOn(console, 'log');
    const sim = createSimulator({ user: 'dialstate', password: 'sim-secret', timeScale: 0.01 });
    const { url } = await sim.start();
    try {
      const client = await connectAriClient(
        { url, user: 'dialstate', password: 'sim-secret' },
        {
          clock: systemClock,
          log: pino({ level: 'silent' }),
          attempts: 1,
          backoff: { initialMs: 10, maxMs: 10 },
          requestTimeoutMs: 5_000,
        },
      );
      // The api-docs went through the builder: resources and their operations exist and work.
      expect(typeof client.channels.originate).toBe('function');
      const info = await client.asterisk.getInfo();
      expect(info.system?.version).toBeTruthy();
      const lines = printed.mock.calls.map((args) => args.map(String).join(' '));
      expect(lines.filter((line) => /deprecated version of Swagger/i.test(line))).toEqual([]);
    } finally {
      printed.mockRestore();
      await sim.stop();
    }
  });
});
