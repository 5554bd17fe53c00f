import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LeadClaimRequest } from '../../src/calls/ports.js';
import type { FrequencyCaps } from '../../src/campaign/frequency-caps.js';
import { createCampaignRepository } from '../../src/store/campaigns.js';
import { createAttemptJournal } from '../../src/store/journal/attempt-journal.js';
import { CLAIM_SQL, createLeadClaimer, type LeadClaimer } from '../../src/store/lead-claims.js';
import { createLeadRepository, type LeadRepository } from '../../src/store/leads.js';
import { migrateTo, migrateToLatest } from '../../src/store/migrate.js';
import { openDatabase, type Store } from '../../src/store/sqlite/db.js';
import {
  createTempDir,
  openMigratedStore,
  sampleCampaign,
  sampleLead,
  sampleNewAttempt,
  T0,
  type TempDir,
} from '../support/store-fixtures.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** One New York number every campaign has, and another only the third has. */
const SHARED = '+12125550101';
const OTHER = '+12125550102';
const TWO_A_DAY: FrequencyCaps = { per24h: 2, per7d: null, per30d: null };

let dir: TempDir;
let store: Store;
let leads: LeadRepository;
let claimer: LeadClaimer;
let ids = 0;

beforeEach(async () => {
  dir = createTempDir();
  store = await openMigratedStore(dir);
  const campaigns = createCampaignRepository(store.db);
  leads = createLeadRepository(store.db);
  for (const id of ['campaign-a', 'campaign-b', 'campaign-c']) {
    await campaigns.insert(sampleCampaign({ id }));
  }
  const inserted = await leads.insert([
    sampleLead('campaign-a', 1, { phone: SHARED }),
    sampleLead('campaign-b', 2, { phone: SHARED }),
    sampleLead('campaign-c', 3, { phone: SHARED }),
    sampleLead('campaign-c', 4, { phone: OTHER }),
  ]);
  if (!inserted.ok) throw new Error('could not insert the leads');
  claimer = createLeadClaimer(createAttemptJournal(store));
  ids = 0;
});

afterEach(async () => {
  await store.close();
  dir.remove();
});

function request(campaignId: string, at: number): LeadClaimRequest {
  return {
    campaignId,
    at,
    maxAttempts: 5,
    frequencyCaps: TWO_A_DAY,
    consider: (lead) => {
      ids += 1;
      return {
        verdict: 'claim',
        attempt: sampleNewAttempt(`attempt-${ids}`, campaignId, lead.id, at),
      };
    },
  };
}

async function claimed(campaignId: string, at: number): Promise<string | null> {
  const result = await claimer.claimNextLead(request(campaignId, at));
  return result.ok ? result.lead.id : null;
}

describe('frequency caps at claim', () => {
  it('counts attempts to a number across campaigns and puts the capped lead off, pending', async () => {
    expect(await claimed('campaign-a', T0)).toBe('lead-1');
    expect(await claimed('campaign-b', T0 + HOUR)).toBe('lead-2');
    // Two calls in 24 hours: the third campaign's lead for the number waits; its other
    // lead is claimed in the same claim.
    expect(await claimed('campaign-c', T0 + 2 * HOUR)).toBe('lead-4');
    const capped = await leads.get('lead-3');
    expect(capped).toMatchObject({
      state: 'pending',
      nextAttemptAt: T0 + DAY,
      waitReason:
        'frequency cap: 2 calls to this number in the last 24 hours (limit 2, across all campaigns)',
    });
    // Not due before the first call leaves the window; due, and claimed, the moment it has.
    expect(await claimed('campaign-c', T0 + DAY - 1)).toBeNull();
    expect(await claimed('campaign-c', T0 + DAY)).toBe('lead-3');
    expect((await leads.get('lead-3'))?.waitReason).toBeNull();
  });

  it('reads nothing when no cap is set', async () => {
    const result = await claimer.claimNextLead({
      ...request('campaign-a', T0),
      frequencyCaps: { per24h: null, per7d: null, per30d: null },
    });
    expect(result.ok).toBe(true);
  });

  it("finds the number's attempts through the phone and attempt indexes", () => {
    const plan = store
      .prepare(`explain query plan ${CLAIM_SQL.attemptsToPhone}`)
      .all([SHARED, T0, 3]) as { detail: string }[];
    const details = plan.map((row) => row.detail).join('\n');
    expect(details).toMatch(/USING (COVERING )?INDEX lead_phone\b/);
    expect(details).toMatch(/USING (COVERING )?INDEX attempt_lead\b/);
  });
});

describe('lead.phone_zones', () => {
  it('is derived when a lead is added, and filled for leads made before the column', async () => {
    expect((await leads.get('lead-1'))?.phoneZones).toEqual(['America/New_York']);
    // Back to before the migration, with a lead of that time, then forward again.
    await store.close();
    store = openDatabase({ path: `${dir.path}/dialstate.db` });
    const { db } = store;
    // As the two migrations of this change found it: no columns, no index, no records.
    await migrateTo(db, '202612061200_dnc_opt_out_source');
    await migrateToLatest(db);
    leads = createLeadRepository(db);
    expect((await leads.get('lead-4'))?.phoneZones).toEqual(['America/New_York']);
  });
});
