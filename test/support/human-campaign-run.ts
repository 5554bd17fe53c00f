import { pino } from 'pino';
import { loadConfig } from '../../src/config.js';
import { type Dialstate, startDialstate } from '../../src/main.js';
import type { Store } from '../../src/store/sqlite/db.js';
import { seedDialingCampaign } from './dialing-seed.js';
import type { TempDir } from './store-fixtures.js';
import { until } from './until.js';

/**
 * Seeds a campaign of `leads` people who accept (numbers ending in 01), retried at once
 * when interrupted, and starts dialstate (its composition root, in this process)
 * against the ARI at `ari`, a simulator running 20× faster than real time.
 */
export async function startHumanCampaign(options: {
  dir: TempDir;
  ari: { url: string; user: string; password: string };
  campaignId: string;
  leads: number;
  /** Digits the numbers start with after +1, to keep campaigns apart. */
  prefix: string;
  maxConcurrent: number;
}): Promise<Dialstate> {
  const { dir, ari } = options;
  const phones = Array.from(
    { length: options.leads },
    (_, i) => `+1${options.prefix}${String(i).padStart(4, '0')}01`,
  );
  await seedDialingCampaign(
    dir,
    {
      id: options.campaignId,
      maxConcurrent: options.maxConcurrent,
      ringTimeoutSec: 10,
      retry: {
        maxAttempts: 5,
        retryAfterMinutes: { busy: 1, no_answer: 1, congestion: 1, unavailable: 1, interrupted: 0 },
      },
    },
    phones,
  );
  return startDialstate(
    loadConfig({
      DIALSTATE_DATA_DIR: dir.path,
      DIALSTATE_HTTP_PORT: '0',
      DIALSTATE_ARI_URL: ari.url,
      DIALSTATE_ARI_USER: ari.user,
      DIALSTATE_ARI_PASSWORD: ari.password,
      // The agent talks 5 s in scenario time, 0.25 s at 20×: settle within that.
      DIALSTATE_HANDOFF_SETTLE_MS: '100',
    }),
    pino({ level: 'silent' }),
  );
}

/**
 * Resolves once no lead of the database is pending or dialing; `sample` is called at each
 * look, e.g. to record how many calls a PBX has live.
 */
export function untilLeadsFinished(
  store: Store,
  timeoutMs = 90_000,
  sample: () => void = () => {},
): Promise<void> {
  return until(
    async () => {
      sample();
      const open = await store.db
        .selectFrom('lead')
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .where('state', 'in', ['pending', 'dialing'])
        .executeTakeFirstOrThrow();
      return open.count === 0;
    },
    { what: 'every lead finished', timeoutMs, everyMs: 200 },
  );
}
