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

    expect(await operations.recycle('lead-1', 'redial', T0 + 5_000)).toEqual({ ok: true });

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

    expect(await operations.recycle('lead-1', 'reset', T0 + 5_000)).toEqual({ ok: true });

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
      expect(await operations.recycle('lead-1', 'redial', T0)).toEqual({ ok: true });
    },
  );

  it('refuses to recycle a lead that is pending or being dialed', async () => {
    await claim('attempt-1', 'lead-1');
    expect(await operations.recycle('lead-1', 'reset', T0)).toEqual({
      ok: false,
      reason: 'wrongState',
      state: 'dialing',
      message:
        'cannot recycle a lead that is dialing; only completed, failed, canceled, dnc leads can be recycled',
    });
    expect(await attemptRows('lead-1')).toBe(1);
    expect(await operations.recycle('lead-2', 'redial', T0)).toMatchObject({ state: 'pending' });
    expect(await operations.recycle('lead-9', 'redial', T0)).toEqual({
      ok: false,
      reason: 'notFound',
    });
  });
});

describe('canceling pending leads', () => {
  it('cancels a pending lead so that it is never dialed', async () => {
    expect(await operations.cancelPending('lead-1', T0)).toEqual({ ok: true });
    expect(await workspace.leads.get('lead-1')).toMatchObject({
      state: 'canceled',
      lastError: 'canceled by the operator before it was dialed',
    });
  });

  it('refuses to cancel a lead being dialed, pointing at its live attempt', async () => {
    await claim('attempt-1', 'lead-1');
    expect(await operations.cancelPending('lead-1', T0)).toEqual({
      ok: false,
      reason: 'wrongState',
      state: 'dialing',
      message: 'cannot cancel a lead that is dialing this way; cancel its live attempt instead',
    });
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
    expect(await operations.delete('lead-1')).toEqual({ ok: true });
    expect(await workspace.leads.get('lead-1')).toBeUndefined();
    expect(await attemptRows('lead-1')).toBe(0);
  });

  it('refuses to delete a lead while it is being dialed', async () => {
    await claim('attempt-1', 'lead-1');
    expect(await operations.delete('lead-1')).toMatchObject({ ok: false, state: 'dialing' });
    expect(await workspace.leads.get('lead-1')).toBeDefined();
  });
});
