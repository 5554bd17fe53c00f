import type { Dialstate } from '../../src/main.js';
import { createSimulator, type Simulator } from '../../src/sim/simulator.js';
import { startHumanCampaign } from './human-campaign-run.js';
import { seededRandom } from './serve-child.js';
import { createTempDir, type TempDir } from './store-fixtures.js';
import { until } from './until.js';

/** One PBX restart, measured from the moment ARI answers again (ms). */
export interface PbxRestartRound {
  /** How long the PBX was down. */
  downMs: number;
  /** ARI answering again → dialstate's app registered again. */
  reconnectMs: number;
  /** ARI answering again → the first new originate. */
  firstOriginateMs: number;
}

const USER = 'dialstate';
const PASSWORD = 'restart';
const CAMPAIGN = 'campaign-pbx-restart';

/**
 * Runs dialstate (its real composition root, in this process) against a simulated PBX
 * that is shut down (every call hung up with cause 0, HTML 503s, connections refused)
 * and started again `rounds` times, with seeded random down times, while a campaign of
 * people who accept is dialing; measures each return.
 */
export async function measurePbxRestarts(options: {
  rounds: number;
  seed: number;
  downMs: { min: number; max: number };
}): Promise<PbxRestartRound[]> {
  const random = seededRandom(options.seed);
  const dir: TempDir = createTempDir();
  const sim: Simulator = createSimulator({ user: USER, password: PASSWORD, timeScale: 0.05 });
  let dialstate: Dialstate | undefined;
  try {
    const { url } = await sim.start();
    dialstate = await startHumanCampaign({
      dir,
      ari: { url, user: USER, password: PASSWORD },
      campaignId: CAMPAIGN,
      leads: 2_000,
      prefix: '5509',
      maxConcurrent: 5,
    });
    // The simulator keeps its latest requests: new ones are those after a marked one.
    const originatedSince = (mark: unknown) => {
      const list = sim.requests();
      return list
        .slice(list.indexOf(mark as (typeof list)[number]) + 1)
        .some((r) => r.method === 'POST' && r.path === '/ari/channels');
    };
    const registered = async () =>
      (
        await fetch(`${url}/ari/applications/dialstate`, {
          headers: {
            authorization: `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`,
          },
        }).catch(() => null)
      )?.status === 200;
    const rounds: PbxRestartRound[] = [];
    for (let round = 0; round < options.rounds; round += 1) {
      await until(() => sim.calls().some((call) => call.live), { what: 'calls live' });
      await sim.shutdown({ drainMs: 100 });
      const downMs = options.downMs.min + random() * (options.downMs.max - options.downMs.min);
      await new Promise((resolve) => setTimeout(resolve, downMs));
      const mark = sim.requests().at(-1);
      await sim.start();
      const back = performance.now();
      let reconnectMs = Number.NaN;
      let firstOriginateMs = Number.NaN;
      await until(
        async () => {
          if (Number.isNaN(reconnectMs) && (await registered())) {
            reconnectMs = performance.now() - back;
          }
          if (Number.isNaN(firstOriginateMs) && originatedSince(mark)) {
            firstOriginateMs = performance.now() - back;
          }
          return !Number.isNaN(reconnectMs) && !Number.isNaN(firstOriginateMs);
        },
        { what: 'dialstate back and dialing', everyMs: 10, timeoutMs: 30_000 },
      );
      rounds.push({ downMs: Math.round(downMs), reconnectMs, firstOriginateMs });
    }
    return rounds;
  } finally {
    await dialstate?.stop();
    await sim.stop();
    dir.remove();
  }
}
