import { describe, expect, it } from 'vitest';
import { createSimulator } from '../../src/sim/simulator.js';
import { useCleanup } from '../support/cleanup.js';
import { startHumanCampaign, untilLeadsFinished } from '../support/human-campaign-run.js';
import { seededRandom } from '../support/serve-child.js';
import { createTempDir, openMigratedStore } from '../support/store-fixtures.js';
import { until } from '../support/until.js';

/**
 * Fault test 2: the PBX restarts twice while calls are live and the scheduler runs
 * (seeded moments and down times). Asterisk hangs every call up with cause 0, answers
 * 503 while it goes, then refuses connections. No lead may end `failed` or `abandoned`
 * because of it: the cut calls are `interrupted` and retried, and nothing is originated
 * while the PBX is down.
 */

const SEED = 0x0b0b_0013;
const CAMPAIGN = 'campaign-pbx-restart-live';
const USER = 'dialstate';
const PASSWORD = 'restart-live';
const LEADS = 40;

const later = useCleanup();

describe('a PBX restart with calls live', () => {
  it('interrupts and retries the cut calls, fails and abandons none, and dials nothing while down', async () => {
    const random = seededRandom(SEED);
    const sim = createSimulator({ user: USER, password: PASSWORD, timeScale: 0.05 });
    later(() => sim.stop());
    const { url } = await sim.start();
    const dir = createTempDir();
    later(dir.remove);
    const dialstate = await startHumanCampaign({
      dir,
      ari: { url, user: USER, password: PASSWORD },
      campaignId: CAMPAIGN,
      leads: LEADS,
      prefix: '55508',
      maxConcurrent: 8,
    });
    later(() => dialstate.stop());

    const downs: Array<{ from: number; to: number }> = [];
    for (let restart = 0; restart < 2; restart += 1) {
      await until(() => (sim?.calls().filter((call) => call.live).length ?? 0) >= 4, {
        what: 'calls live',
      });
      await new Promise((resolve) => setTimeout(resolve, random() * 400));
      await sim.shutdown({ drainMs: 150 + random() * 200 });
      const from = Date.now();
      await new Promise((resolve) => setTimeout(resolve, 300 + random() * 1_200));
      downs.push({ from, to: Date.now() });
      await sim.start();
    }

    const reader = await openMigratedStore(dir);
    try {
      await untilLeadsFinished(reader);
      const attempts = await reader.db
        .selectFrom('attempt')
        .select(['lead_id', 'outcome', 'error', 'created_at'])
        .execute();
      const count = (outcome: string) => attempts.filter((a) => a.outcome === outcome).length;
      // The restarts cut calls, and only as interruptions with the true reason.
      expect(count('interrupted')).toBeGreaterThan(0);
      expect(count('failed'), JSON.stringify(attempts.filter((a) => a.outcome === 'failed'))).toBe(
        0,
      );
      expect(count('abandoned')).toBe(0);
      const reasons = attempts.filter((a) => a.outcome === 'interrupted').map((a) => a.error);
      expect(new Set(reasons)).toEqual(new Set(['PBX restarted or unreachable']));
      // Every lead was reached in the end: the interrupted ones were retried.
      const leads = await reader.db.selectFrom('lead').select(['state', 'last_outcome']).execute();
      expect(leads).toHaveLength(LEADS);
      expect(leads.every((lead) => lead.state === 'completed')).toBe(true);
      expect(leads.filter((lead) => lead.last_outcome !== 'answered_human')).toEqual([]);
      // Nothing was originated while the PBX was down.
      for (const { from, to } of downs) {
        expect(attempts.filter((a) => a.created_at >= from && a.created_at <= to)).toEqual([]);
      }
    } finally {
      await reader.close();
    }
  }, 150_000);
});
