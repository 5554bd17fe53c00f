import { expect, it } from 'vitest';
import type { StoredAttempt } from '../../../src/calls/ports.js';
import { describeEachDialingStore } from '../../support/each-dialing-store.js';
import {
  NO_FACTS,
  sampleFinalCommit,
  sampleLeads,
  sampleNewAttempt,
  T0,
} from '../../support/store-fixtures.js';

const C = 'campaign-1';

describeEachDialingStore('lead recovery', (store) => {
  async function claim(attemptId: string, leadId: string): Promise<StoredAttempt> {
    const created = await store().node.journal.createAttempt(
      sampleNewAttempt(attemptId, C, leadId),
    );
    if (!created.ok) throw new Error(`${leadId} was not claimed`);
    return created.attempt;
  }

  it('lists the leads left dialing without a live attempt, and moves each on once', async () => {
    await store().seed({
      campaigns: [{ id: C, status: 'running', maxConcurrent: 50, minIntervalMs: 0 }],
      leads: sampleLeads(C, 3),
    });
    const { node } = store();
    await claim('a-1', 'lead-1');
    const ended = await claim('a-2', 'lead-2');
    // Ended without moving its lead (the end's commit carried none), and a lead left
    // dialing with no attempt at all: both are orphans. lead-1's attempt is live.
    await node.journal.commit(
      sampleFinalCommit(ended, 1, {
        at: T0 + 5,
        cause: 17,
        facts: { ...NO_FACTS, endedAt: T0 + 5, outcome: 'busy', error: null },
      }),
    );
    await node.db
      .updateTable('lead')
      .set({ state: 'dialing', attempts: 1 })
      .where('id', '=', 'lead-3')
      .execute();

    const orphans = await node.leadRecovery.listOrphanedLeads();
    expect(
      orphans.map((lead) => [lead.leadId, lead.activeAttemptId, lead.countedAttempts]),
    ).toEqual([
      ['lead-2', 'a-2', 1],
      ['lead-3', null, 1],
    ]);
    expect(orphans[0]?.ended).toEqual({ outcome: 'busy', error: null, endedAt: T0 + 5 });
    expect(orphans[1]?.ended).toBeNull();

    const next = { state: 'pending', nextAttemptAt: T0 + 60_000 } as const;
    const release = (index: number) => {
      const lead = orphans[index];
      if (lead === undefined) throw new Error('no such orphan');
      return node.leadRecovery.releaseLead(
        lead,
        { outcome: 'interrupted', error: 'left dialing', next },
        T0 + 10,
      );
    };
    expect(await release(0)).toBe(true);
    expect(await release(1)).toBe(true);
    // A second release (another node recovering at the same time) changes nothing.
    expect(await release(0)).toBe(false);
    const leads = await node.db
      .selectFrom('lead')
      .select(['id', 'state', 'next_attempt_at', 'last_outcome', 'active_attempt_id'])
      .orderBy('id')
      .execute();
    expect(leads).toEqual([
      {
        id: 'lead-1',
        state: 'dialing',
        next_attempt_at: 0,
        last_outcome: null,
        active_attempt_id: 'a-1',
      },
      {
        id: 'lead-2',
        state: 'pending',
        next_attempt_at: T0 + 60_000,
        last_outcome: 'interrupted',
        active_attempt_id: null,
      },
      {
        id: 'lead-3',
        state: 'pending',
        next_attempt_at: T0 + 60_000,
        last_outcome: 'interrupted',
        active_attempt_id: null,
      },
    ]);
    expect(await node.leadRecovery.listOrphanedLeads()).toEqual([]);
  });
});
