import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DialingStore, StoredAttempt } from '../../src/calls/ports.js';
import type { CampaignRepository } from '../../src/control/campaign-reads.js';
import {
  createAttemptJournal,
  type SqliteAttemptJournal,
} from '../../src/store/attempt-journal.js';
import { createCampaignRepository } from '../../src/store/campaigns.js';
import type { Store } from '../../src/store/db.js';
import { createDialingStore } from '../../src/store/dialing-store.js';
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

const A = 'campaign-a';
const B = 'campaign-b';

let dir: TempDir;
let store: Store;
let campaigns: CampaignRepository;
let leads: LeadRepository;
let journal: SqliteAttemptJournal;
let dialing: DialingStore;

beforeEach(async () => {
  dir = createTempDir();
  store = await openMigratedStore(dir);
  campaigns = createCampaignRepository(store.db);
  await campaigns.insert(sampleCampaign({ id: A, status: 'running' }));
  await campaigns.insert(sampleCampaign({ id: B, status: 'running', createdAt: T0 + 1 }));
  leads = createLeadRepository(store.db);
  await leads.insert([...sampleLeads(A, 3), ...sampleLeads(B, 2, 10)]);
  journal = createAttemptJournal(store);
  dialing = createDialingStore(store.db, journal);
});

afterEach(async () => {
  await store.close();
  dir.remove();
});

async function claim(attemptId: string, campaignId: string, leadId: string, at = T0) {
  const created = await journal.createAttempt(sampleNewAttempt(attemptId, campaignId, leadId, at));
  if (!created.ok) throw new Error(`could not claim ${leadId}`);
  return created.attempt;
}

async function end(attempt: StoredAttempt, at: number) {
  await journal.commit(
    sampleCommit(
      attempt,
      1,
      { type: 'channel.hungUp', at, cause: 16 },
      {
        state: 'done',
        facts: { ...NO_FACTS, endedAt: at, outcome: 'machine_detected' },
        done: true,
        lead: {
          leadId: attempt.leadId,
          outcome: 'machine_detected',
          error: null,
          next: { state: 'completed', nextAttemptAt: null },
        },
      },
    ),
  );
}

describe('the dialing store', () => {
  it('counts each open attempt once, per campaign and in total, with the last originate', async () => {
    await claim('a-1', A, 'lead-1', T0 + 10);
    await claim('a-2', A, 'lead-2', T0 + 20);
    const b = await claim('b-1', B, 'lead-10', T0 + 30);
    await end(b, T0 + 40);

    const { campaigns: running, live } = await dialing.loadRunning();

    expect(live).toBe(2);
    expect(
      running.map((c) => [c.campaign.id, c.live, c.lastOriginateAt, c.hasDialingLeads]),
    ).toEqual([
      [A, 2, T0 + 20, true],
      [B, 0, T0 + 30, false],
    ]);
  });

  it('reads the earliest due time among pending leads', async () => {
    await store.db
      .updateTable('lead')
      .set({ next_attempt_at: T0 + 5_000 })
      .where('campaign_id', '=', B)
      .execute();
    await store.db
      .updateTable('lead')
      .set({ next_attempt_at: T0 + 1_000 })
      .where('id', '=', 'lead-11')
      .execute();
    const { campaigns: running } = await dialing.loadRunning();
    expect(running.find((c) => c.campaign.id === B)?.nextDueAt).toBe(T0 + 1_000);
    expect(running.find((c) => c.campaign.id === A)?.nextDueAt).toBe(0);
  });

  it('lists only running campaigns, but reads any one campaign', async () => {
    await campaigns.changeStatus(B, 'running', 'paused', null, T0);
    const { campaigns: running } = await dialing.loadRunning();
    expect(running.map((c) => c.campaign.id)).toEqual([A]);
    expect((await dialing.loadCampaign(B))?.campaign.campaign.status).toBe('paused');
    expect(await dialing.loadCampaign('nope')).toBeUndefined();
  });

  it('pauses a running campaign with its reason, and only a running one', async () => {
    expect(await dialing.pauseCampaign(A, 'circuit breaker', T0 + 1)).toBe(true);
    expect(await campaigns.get(A)).toMatchObject({
      status: 'paused',
      statusReason: 'circuit breaker',
    });
    expect(await dialing.pauseCampaign(A, 'again', T0 + 2)).toBe(false);
  });

  it('completes a campaign only once no lead is pending or dialing and no attempt is open', async () => {
    await store.db
      .updateTable('lead')
      .set({ state: 'completed' })
      .where('campaign_id', '=', B)
      .execute();
    await store.db
      .updateTable('lead')
      .set({ state: 'failed' })
      .where('id', 'in', ['lead-2', 'lead-3'])
      .execute();
    const attempt = await claim('a-1', A, 'lead-1');

    expect(await dialing.completeCampaignIfFinished(A, T0 + 1)).toBe(false);
    await end(attempt, T0 + 2);
    expect(await dialing.completeCampaignIfFinished(A, T0 + 3)).toBe(true);
    expect(await dialing.completeCampaignIfFinished(B, T0 + 3)).toBe(true);
    expect((await campaigns.get(A))?.status).toBe('completed');
  });

  it('keeps a campaign with a lead waiting for a retry running', async () => {
    await store.db
      .updateTable('lead')
      .set({ state: 'completed' })
      .where('id', 'in', ['lead-1', 'lead-2'])
      .execute();
    await store.db
      .updateTable('lead')
      .set({ next_attempt_at: T0 + 3_600_000 })
      .where('id', '=', 'lead-3')
      .execute();
    expect(await dialing.completeCampaignIfFinished(A, T0)).toBe(false);
  });

  it('completes a campaign past its end date with leads pending, once no call is live', async () => {
    const attempt = await claim('a-1', A, 'lead-1');
    expect(await dialing.completeCampaignPastEnd(A, 'the end date passed', T0 + 1)).toBe(false);
    await end(attempt, T0 + 2);
    expect(await dialing.completeCampaignPastEnd(A, 'the end date passed', T0 + 3)).toBe(true);
    expect(await campaigns.get(A)).toMatchObject({
      status: 'completed',
      statusReason: 'the end date passed',
    });
    expect((await leads.countByState(A)).pending).toBeGreaterThan(0);
  });

  it('counts open attempts from the partial index on open attempts', async () => {
    const { rows } = await sql<{ detail: string }>`
      explain query plan
      select campaign_id from attempt where done = 0
    `.execute(store.db);
    expect(rows.map((row) => row.detail).join('\n')).toBe('SCAN attempt USING INDEX attempt_open');
  });
});
