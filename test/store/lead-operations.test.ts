import { beforeEach, describe, expect, it } from 'vitest';
import type { StoredAttempt } from '../../src/calls/ports.js';
import type { LeadState } from '../../src/campaign/retry-policy.js';
import { createLeadOperations, type LeadOperations } from '../../src/store/lead-operations.js';
import { NO_FACTS, sampleFinalCommit, sampleLeads, T0 } from '../support/store-fixtures.js';
import { useStoreWorkspace } from '../support/store-workspace.js';

const CAMPAIGN = 'campaign-reminders';

const workspace = useStoreWorkspace({
  campaigns: [{ id: CAMPAIGN }],
  leads: sampleLeads(CAMPAIGN, 3),
});
let operations: LeadOperations;

beforeEach(() => {
  operations = createLeadOperations(workspace.store.db);
});

function claim(attemptId: string, leadId: string): Promise<StoredAttempt> {
  return workspace.claim(attemptId, CAMPAIGN, leadId);
}

/** Ends an attempt busy, its lead going to `state`. */
async function endBusy(attempt: StoredAttempt, state: 'pending' | 'failed') {
  await workspace.journal.commit(
    sampleFinalCommit(attempt, 1, {
      at: T0 + 900,
      cause: 17,
      facts: { ...NO_FACTS, endedAt: T0 + 900, outcome: 'busy' },
      lead: {
        leadId: attempt.leadId,
        outcome: 'busy',
        error: null,
        next: { state, nextAttemptAt: state === 'pending' ? T0 + 60_000 : null },
      },
    }),
  );
}

async function attemptRows(leadId: string): Promise<number> {
  const rows = await workspace.store.db
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

    expect(await workspace.leads.get('lead-1')).toMatchObject({
      state: 'pending',
      attempts: 1,
      nextAttemptAt: 0,
      lastOutcome: 'busy',
    });
    expect(await attemptRows('lead-1')).toBe(1);
    const next = await claim('attempt-2', 'lead-1');
    expect(next).toMatchObject({ attemptNumber: 2, uncountedAttempts: 1 });
    expect(await workspace.journal.loadAttempt('attempt-2')).toMatchObject({
      uncountedAttempts: 1,
    });
  });

  it('resets a lead: back to pending with no attempts and no history', async () => {
    await endBusy(await claim('attempt-1', 'lead-1'), 'failed');

    expect(await operations.recycle('lead-1', 'failed', 'reset', T0 + 5_000)).toBe(true);

    expect(await workspace.leads.get('lead-1')).toMatchObject({
      state: 'pending',
      attempts: 0,
      lastOutcome: null,
      lastError: null,
    });
    expect(await attemptRows('lead-1')).toBe(0);
    expect(await workspace.journal.loadEntries('attempt-1')).toEqual([]);
    expect(await claim('attempt-2', 'lead-1')).toMatchObject({ attemptNumber: 1 });
  });

  it.each(['completed', 'failed', 'canceled', 'dnc'] satisfies LeadState[])(
    'recycles a %s lead',
    async (state) => {
      await workspace.leads.changeState('lead-1', 'pending', state, {}, T0);
      expect(await operations.recycle('lead-1', state, 'redial', T0)).toBe(true);
    },
  );

  it('changes nothing when the lead is no longer in the state it was read in', async () => {
    await claim('attempt-1', 'lead-1');
    expect(await operations.recycle('lead-1', 'failed', 'reset', T0)).toBe(false);
    expect(await attemptRows('lead-1')).toBe(1);
    expect(await workspace.leads.get('lead-1')).toMatchObject({ state: 'dialing' });
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
    expect(await workspace.leads.get('lead-1')).toMatchObject({
      state: 'canceled',
      lastError: 'canceled by the operator before it was dialed',
    });
  });

  it('leaves a lead being dialed as it is', async () => {
    await claim('attempt-1', 'lead-1');
    expect(await operations.cancelPending('lead-1', T0)).toBe(false);
    expect(await workspace.leads.get('lead-1')).toMatchObject({ state: 'dialing' });
  });

  it('cancels every pending lead of a campaign and leaves the others', async () => {
    await claim('attempt-1', 'lead-1');
    expect(await operations.cancelAllPending(CAMPAIGN, T0)).toBe(2);
    expect(await workspace.leads.countByState(CAMPAIGN)).toMatchObject({ dialing: 1, canceled: 2 });
  });
});

describe('deleting a lead', () => {
  it('deletes a finished lead with its attempts', async () => {
    await endBusy(await claim('attempt-1', 'lead-1'), 'failed');
    expect(await operations.deleteIdle('lead-1')).toBe(true);
    expect(await workspace.leads.get('lead-1')).toBeUndefined();
    expect(await attemptRows('lead-1')).toBe(0);
  });

  it('refuses to delete a lead while it is being dialed', async () => {
    await claim('attempt-1', 'lead-1');
    expect(await operations.deleteIdle('lead-1')).toBe(false);
    expect(await workspace.leads.get('lead-1')).toBeDefined();
  });
});
