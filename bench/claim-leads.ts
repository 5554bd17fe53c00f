/**
 * The campaign and leads the claim benchmarks claim from, shaped as a user's: a campaign
 * with a UUID id, leads named as the importer names them (the import's id, then the row
 * number), each with a name, a time zone and two custom variables, as in the lead files
 * the import benchmark reads; a tenth of them due an hour later and 1% on the global
 * do-not-call list.
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Kysely, sql } from 'kysely';
import type { prepareClaim } from '../src/calls/claim-request.js';
import type { LeadClaimRequest } from '../src/calls/ports.js';
import type { Campaign } from '../src/campaign/campaign.js';
import type { FrequencyCaps } from '../src/campaign/frequency-caps.js';
import { createCampaignRepository } from '../src/store/campaigns.js';
import { createDncRepository } from '../src/store/dnc.js';
import { newAttemptId } from '../src/store/journal/attempt-ids.js';
import { migrateToLatest } from '../src/store/migrate.js';
import { phoneZonesColumn } from '../src/store/phone-zones.js';
import type { Database } from '../src/store/schema.js';
import { openDatabase } from '../src/store/sqlite/db.js';
import { BENCH_IDENTITY, BENCH_MEDIA, benchCampaign } from './bench-fixtures.js';

/** The benchmarks' "now": every lead is due at or an hour after it. */
export const CLAIM_BENCH_NOW = Date.UTC(2026, 10, 24, 15, 0, 0);

/** The import the leads came from: lead ids start with it, as the importer writes them. */
const IMPORT_ID = '0b7e4c52-9d1f-4a8e-b3c6-5f2a81d94e07';

/**
 * The claimed campaign. Claims may leave up to 100 + 16 attempts open between the bench's
 * closings: PostgreSQL's claim refuses past max_concurrent, SQLite's does not read it.
 */
export function claimBenchCampaign(): Campaign {
  return { ...benchCampaign(), id: '3d9a6f0e-2b71-4c85-a0e4-7c1b9e5d2f68', maxConcurrent: 1000 };
}

export const claimBenchPhone = (n: number) => `+1555${String(n).padStart(7, '0')}`;

/** The id of the `n`th lead (`lead-import-merge.ts` names a merged row the same way). */
export const claimBenchLeadId = (n: number) => `${IMPORT_ID}-${String(n).padStart(8, '0')}`;

/**
 * Writes the campaign and its `leadCount` leads, in multi-row inserts (2,000 rows a
 * statement: under both engines' parameter limits); returns the seconds it took.
 */
export async function loadClaimLeads(
  db: Kysely<Database>,
  dialect: 'sqlite' | 'postgres',
  campaign: Campaign,
  leadCount: number,
): Promise<number> {
  const started = process.hrtime.bigint();
  await createCampaignRepository(db).insert(campaign);
  const BATCH = 2_000;
  for (let i = 0; i < leadCount; i += BATCH) {
    const rows = Array.from({ length: Math.min(BATCH, leadCount - i) }, (_, j) => {
      const n = i + j;
      return {
        id: claimBenchLeadId(n),
        campaign_id: campaign.id,
        phone: claimBenchPhone(n),
        phone_zones: phoneZonesColumn(claimBenchPhone(n)),
        name: `Lead ${n}`,
        timezone: 'America/New_York',
        caller_id: null,
        custom_vars: JSON.stringify({
          account: `A${String(n).padStart(7, '0')}`,
          plan: n % 2 === 0 ? 'gold' : 'silver',
        }),
        ai_target: null,
        state: 'pending',
        priority: 0,
        import_id: null,
        import_seq: n,
        created_at: CLAIM_BENCH_NOW,
        updated_at: CLAIM_BENCH_NOW,
      };
    });
    await db.insertInto('lead').values(rows).execute();
  }
  // A tenth of the leads are due in an hour, spread through the import order.
  await sql`update lead set next_attempt_at = ${CLAIM_BENCH_NOW + 3_600_000}
    where import_seq % 10 = 3`.execute(db);
  const dnc = createDncRepository(db);
  for (let n = 7; n < leadCount; n += 100) {
    await dnc.add({
      phone: claimBenchPhone(n),
      campaignId: null,
      reason: 'bench',
      createdAt: CLAIM_BENCH_NOW,
    });
  }
  // Fresh statistics, as autovacuum would have them on a loaded database.
  if (dialect === 'postgres') await sql`analyze`.execute(db);
  return Number(process.hrtime.bigint() - started) / 1e9;
}

/**
 * The request of one claim at `at`, as the campaign claimer makes it (`prepareClaim`
 * of this checkout or a baseline's): each candidate checked against its calling window,
 * then its attempt's input and initial snapshot built, under an id named as the server
 * names attempts (`newAttemptId`; engine-kit.ts has a baseline's). `timed` hears how
 * long each candidate's `consider` took, in ms.
 */
export function claimBenchRequest(
  prepare: typeof prepareClaim,
  at: number,
  frequencyCaps: FrequencyCaps,
  timed: (ms: number) => void,
  attemptId: () => string = () => newAttemptId(),
): LeadClaimRequest {
  const { request } = prepare({
    campaign: claimBenchCampaign(),
    at,
    media: BENCH_MEDIA,
    identity: BENCH_IDENTITY,
    newAttemptId: attemptId,
    server: { blackoutDates: [], frequencyCaps },
  });
  return {
    ...request,
    consider: (lead) => {
      const t0 = process.hrtime.bigint();
      try {
        return request.consider(lead);
      } finally {
        timed(Number(process.hrtime.bigint() - t0) / 1e6);
      }
    },
  };
}

/**
 * A migrated SQLite file holding the campaign and its `leadCount` leads, to copy and
 * claim from: `file` (by default one per lead count in the temporary folder), loaded the
 * first time and kept, so that later runs start at once.
 */
export async function claimSeedDatabase(leadCount: number, file?: string): Promise<string> {
  const seedPath = file ?? path.join(os.tmpdir(), `dialstate-claim-seed-${leadCount}.db`);
  if (existsSync(seedPath)) return seedPath;
  const seed = openDatabase({ path: seedPath });
  await migrateToLatest(seed.db);
  const seconds = await loadClaimLeads(seed.db, 'sqlite', claimBenchCampaign(), leadCount);
  seed.prepare('pragma wal_checkpoint(truncate)').all([]);
  await seed.close();
  console.log(`loaded ${leadCount} leads into ${seedPath} in ${seconds.toFixed(1)} s`);
  return seedPath;
}
