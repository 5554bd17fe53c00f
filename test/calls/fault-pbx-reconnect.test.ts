import { describe, expect, it } from 'vitest';
import { measurePbxRestarts } from '../support/pbx-restart-run.js';

/**
 * Fault test 3: the PBX restarts (seeded down times) while a campaign dials. dialstate
 * probes ARI every ~500 ms while it is down, so it is connected again within about a
 * second of ARI answering and dials again at once. The bounds are generous (a loaded
 * machine); `npm run bench:pbx-restart` measures the figures (docs/BENCHMARKS.md).
 */
describe('reconnecting after the PBX comes back', () => {
  it('is connected and dialing again within seconds of ARI answering, every time', async () => {
    const rounds = await measurePbxRestarts({
      rounds: 3,
      seed: 0x7e57_0013,
      downMs: { min: 300, max: 1_500 },
    });
    for (const round of rounds) {
      expect(round.reconnectMs, JSON.stringify(round)).toBeLessThan(3_000);
      expect(round.firstOriginateMs, JSON.stringify(round)).toBeLessThan(5_000);
    }
  }, 120_000);
});
