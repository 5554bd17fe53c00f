import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StoredAttempt } from '../../src/calls/ports.js';
import type { LeadState } from '../../src/campaign/retry-policy.js';
import {
  createAttemptJournal,
  type SqliteAttemptJournal,
} from '../../src/store/attempt-journal.js';
import { createCampaignRepository } from '../../src/store/campaigns.js';
import type { Store } from '../../src/store/db.js';
import { createLeadOperations, type LeadOperations } from '../../src/store/lead-operations.js';
import { createLeadRepository, type LeadRepository } from '../../src/store/leads.js';
import {
  createTempDir,
  NO_FACTS,
  openMigratedStore,
  sampleCampaign,
  sampleCommit,
  sampleLeads,
  sampleNewAttempt,
  T0,
  type TempDir,
} from '../support/store-fixtures.js';

const CAMPAIGN = 'campaign-reminders';

let dir: TempDir;
let store: Store;
let leads: LeadRepository;
let journal: SqliteAttemptJournal;
let operations: LeadOperations;

beforeEach(async () => {
  dir = createTempDir();
  store = await openMigratedStore(dir);
  await createCampaignRepository(store.db).insert(sampleCampaign({ id: CAMPAIGN }));
  leads = createLeadRepository(store.db);
  await leads.insert(sampleLeads(CAMPAIGN, 3));
  journal = createAttemptJournal(store);
  operations = createLeadOperations(store.db);
});

afterEach(async () => {
  await store.close();
  dir.remove();
});

async function claim(attemptId: string, leadId: string): Promise<StoredAttempt> {
  const created = await journal.createAttempt(sampleNewAttempt(attemptId, CAMPAIGN, leadId));
  if (!created.ok) throw new Error(`could not claim ${leadId}`);
  return created.attempt;
}

/** Ends an attempt busy, its lead going to `state`. */
async function endBusy(attempt: StoredAttempt, state: 'pending' | 'failed') {
  const facts = { ...NO_FACTS, endedAt: T0 + 900, outcome: 'busy' as const };
  await journal.commit(
    sampleCommit(
      attempt,
      1,
      { type: 'channel.hungUp', at: T0 + 900, cause: 17 },
      {
        state: 'done',
        facts,
        done: true,
        lead: {
          leadId: attempt.leadId,
          outcome: 'busy',
          error: null,
          next: { state, nextAttemptAt: state === 'pending' ? T0 + 60_000 : null },
        },
      },
    ),
  );
}

async function attemptRows(leadId: string): Promise<number> {
  const rows = await store.db
    .selectFrom('attempt')
    .select('id')
    .where('lead_id', '=', leadId)
    .execute();
  return rows.length;
}

describe('recycling a lead', () => {
  it('redials a failed lead: back to pending, history kept, a fresh set of attempts', async () => {
    await endBusy(await claim('attempt-1', 'lead-1'), 'failed');

    expect(await operations.recycle('lead-1', 'failed', 'redial', T0 + 5_000)).toBe(true);

    expect(await leads.get('lead-1')).toMatchObject({
      state: 'pending',
      attempts: 1,
      nextAttemptAt: 0,
      lastOutcome: 'busy',
    });
    expect(await attemptRows('lead-1')).toBe(1);
    const next = await claim('attempt-2', 'lead-1');
    expect(next).toMatchObject({ attemptNumber: 2, uncountedAttempts: 1 });
    expect(await journal.loadAttempt('attempt-2')).toMatchObject({ uncountedAttempts: 1 });
  });

  it('resets a lead: back to pending with no attempts and no history', async () => {
    await endBusy(await claim('attempt-1', 'lead-1'), 'failed');

    expect(await operations.recycle('lead-1', 'failed', 'reset', T0 + 5_000)).toBe(true);

    expect(await leads.get('lead-1')).toMatchObject({
      state: 'pending',
      attempts: 0,
      lastOutcome: null,
      lastError: null,
    });
    expect(await attemptRows('lead-1')).toBe(0);
    expect(await journal.loadEntries('attempt-1')).toEqual([]);
    expect(await claim('attempt-2', 'lead-1')).toMatchObject({ attemptNumber: 1 });
  });

  it.each(['completed', 'failed', 'canceled', 'dnc'] satisfies LeadState[])(
    'recycles a %s lead',
    async (state) => {
      await leads.changeState('lead-1', 'pending', state, {}, T0);
      expect(await operations.recycle('lead-1', state, 'redial', T0)).toBe(true);
    },
  );

  it('changes nothing when the lead is no longer in the state it was read in', async () => {
    await claim('attempt-1', 'lead-1');
    expect(await operations.recycle('lead-1', 'failed', 'reset', T0)).toBe(false);
    expect(await attemptRows('lead-1')).toBe(1);
    expect(await leads.get('lead-1')).toMatchObject({ state: 'dialing' });
    expect(await operations.recycle('lead-9', 'failed', 'redial', T0)).toBe(false);
  });

  it("reads a lead's campaign and state, and nothing for an unknown lead", async () => {
    expect(await operations.leadState('lead-1')).toEqual({
      campaignId: CAMPAIGN,
      state: 'pending',
    });
    expect(await operations.leadState('lead-9')).toBeUndefined();
  });
});

describe('canceling pending leads', () => {
  it('cancels a pending lead so that it is never dialed', async () => {
    expect(await operations.cancelPending('lead-1', T0)).toBe(true);
    expect(await leads.get('lead-1')).toMatchObject({
      state: 'canceled',
      lastError: 'canceled by the operator before it was dialed',
    });
  });

  it('leaves a lead being dialed as it is', async () => {
    await claim('attempt-1', 'lead-1');
    expect(await operations.cancelPending('lead-1', T0)).toBe(false);
    expect(await leads.get('lead-1')).toMatchObject({ state: 'dialing' });
  });

  it('cancels every pending lead of a campaign and leaves the others', async () => {
    await claim('attempt-1', 'lead-1');
    expect(await operations.cancelAllPending(CAMPAIGN, T0)).toBe(2);
    expect(await leads.countByState(CAMPAIGN)).toMatchObject({ dialing: 1, canceled: 2 });
  });
});

describe('deleting a lead', () => {
  it('deletes a finished lead with its attempts', async () => {
    await endBusy(await claim('attempt-1', 'lead-1'), 'failed');
    expect(await operations.deleteIdle('lead-1')).toBe(true);
    expect(await leads.get('lead-1')).toBeUndefined();
    expect(await attemptRows('lead-1')).toBe(0);
  });

  it('refuses to delete a lead while it is being dialed', async () => {
    await claim('attempt-1', 'lead-1');
    expect(await operations.deleteIdle('lead-1')).toBe(false);
    expect(await leads.get('lead-1')).toBeDefined();
  });
});
