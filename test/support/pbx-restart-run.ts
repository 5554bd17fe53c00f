import { pino } from 'pino';
import { loadConfig } from '../../src/config.js';
import { type Dialstate, startDialstate } from '../../src/main.js';
import { createSimulator, type Simulator } from '../../src/sim/simulator.js';
import { seedDialingCampaign } from './dialing-seed.js';
import { seededRandom, until } from './serve-child.js';
import { createTempDir, type TempDir } from './store-fixtures.js';

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
    const phones = Array.from(
      { length: 2_000 },
      (_, i) => `+155509${String(i).padStart(4, '0')}01`,
    );
    // Humans who consent (…01); retried at once when interrupted.
    await seedDialingCampaign(
      dir,
      {
        id: CAMPAIGN,
        maxConcurrent: 5,
        ringTimeoutSec: 10,
        retry: {
          maxAttempts: 5,
          retryAfterMinutes: {
            busy: 1,
            no_answer: 1,
            congestion: 1,
            unavailable: 1,
            interrupted: 0,
          },
        },
      },
      phones,
    );
    dialstate = await startDialstate(
      loadConfig({
        DIALSTATE_DATA_DIR: dir.path,
        DIALSTATE_HTTP_PORT: '0',
        DIALSTATE_ARI_URL: url,
        DIALSTATE_ARI_USER: USER,
        DIALSTATE_ARI_PASSWORD: PASSWORD,
        DIALSTATE_CIRCUIT_BREAKER_FAILURES: '1000',
      }),
      pino({ level: process.env.DEBUG_RESTART ?? 'silent' }),
    );
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
