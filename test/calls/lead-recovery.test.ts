import { pino } from 'pino';
import { beforeEach, describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import { recoverOrphanedLeads } from '../../src/calls/lead-recovery.js';
import { createLeadRecoveryStore } from '../../src/store/lead-recovery-store.js';
import { NO_FACTS, sampleFinalCommit, sampleLeads, T0 } from '../support/store-fixtures.js';
import { useStoreWorkspace } from '../support/store-workspace.js';

const CAMPAIGN = 'campaign-reminders';
const RETRY = { maxAttempts: 2, retryAfterMinutes: { interrupted: 5, busy: 10 } };

const workspace = useStoreWorkspace({
  campaigns: [{ id: CAMPAIGN, retry: RETRY }],
  leads: sampleLeads(CAMPAIGN, 4),
});
let clock: SimulatedClock;

beforeEach(() => {
  clock = new SimulatedClock();
  clock.set(T0 + 60_000);
});

function recover() {
  return recoverOrphanedLeads({
    store: createLeadRecoveryStore(workspace.store.db),
    clock,
    log: pino({ level: 'silent' }),
  });
}

describe('recoverOrphanedLeads', () => {
  it('sends a lead left dialing without any attempt back as interrupted, per the retry policy', async () => {
    await workspace.store.db
      .updateTable('lead')
      .set({ state: 'dialing', attempts: 1, active_attempt_id: 'attempt-gone' })
      .where('id', '=', 'lead-1')
      .execute();
    await workspace.store.db
      .updateTable('lead')
      .set({ state: 'dialing', attempts: 2, active_attempt_id: null })
      .where('id', '=', 'lead-2')
      .execute();

    const report = await recover();

    expect(report.released).toEqual([
      { leadId: 'lead-1', outcome: 'interrupted', state: 'pending' },
      { leadId: 'lead-2', outcome: 'interrupted', state: 'failed' },
    ]);
    expect(await workspace.leads.get('lead-1')).toMatchObject({
      state: 'pending',
      nextAttemptAt: T0 + 60_000 + 5 * 60_000,
      lastOutcome: 'interrupted',
      lastError: 'left dialing, but its attempt attempt-gone is missing',
      activeAttemptId: null,
    });
    expect(await workspace.leads.get('lead-2')).toMatchObject({
      state: 'failed',
      lastError: 'left dialing without an attempt',
    });
  });

  it("moves a lead on with its ended attempt's own outcome and end time", async () => {
    const attempt = await workspace.claim('attempt-1', CAMPAIGN, 'lead-3');
    await workspace.journal.commit(
      sampleFinalCommit(attempt, 1, {
        at: T0 + 900,
        cause: 17,
        facts: { ...NO_FACTS, endedAt: T0 + 900, outcome: 'busy' },
      }),
    );
    // The commit ended the attempt but (unlike the runner's) did not move the lead.
    expect((await workspace.leads.get('lead-3'))?.state).toBe('dialing');

    await recover();

    expect(await workspace.leads.get('lead-3')).toMatchObject({
      state: 'pending',
      lastOutcome: 'busy',
      nextAttemptAt: T0 + 900 + 10 * 60_000,
    });
  });

  it('leaves a lead whose attempt is live alone', async () => {
    await workspace.claim('attempt-1', CAMPAIGN, 'lead-4');
    expect(await recover()).toEqual({ released: [] });
    expect(await workspace.leads.get('lead-4')).toMatchObject({
      state: 'dialing',
      activeAttemptId: 'attempt-1',
    });
  });
});
