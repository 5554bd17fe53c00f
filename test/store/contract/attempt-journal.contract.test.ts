import { expect, it } from 'vitest';
import { JournalConflictError, type StoredAttempt } from '../../../src/calls/ports.js';
import { describeEachDialingStore } from '../../support/each-dialing-store.js';
import {
  NO_FACTS,
  sampleCommit,
  sampleFinalCommit,
  sampleLeads,
  sampleNewAttempt,
  T0,
} from '../../support/store-fixtures.js';

const C = 'campaign-1';

describeEachDialingStore('the attempt journal', (store) => {
  async function claim(attemptId: string, leadId: string, at = T0): Promise<StoredAttempt> {
    const created = await store().node.journal.createAttempt(
      sampleNewAttempt(attemptId, C, leadId, at),
    );
    if (!created.ok) throw new Error(`${leadId} was not claimed: ${created.reason}`);
    return created.attempt;
  }
  const seeded = () =>
    store().seed({ campaigns: [{ id: C, status: 'running' }], leads: sampleLeads(C, 4) });

  it('appends events with their timers and reads them back as the runner and replay need', async () => {
    await seeded();
    const { journal } = store().node;
    const attempt = await claim('a-1', 'lead-1');
    expect(attempt).toMatchObject({ attemptNumber: 1, seq: 0, done: false });

    await journal.commit(
      sampleCommit(
        attempt,
        1,
        { type: 'attempt.started', at: T0 + 1 },
        { startTimers: [{ timerId: 'ringTimeout', dueAt: T0 + 30_000 }] },
      ),
    );
    await journal.commit(
      sampleCommit(
        attempt,
        2,
        { type: 'channel.ringing', at: T0 + 2 },
        {
          state: 'dialing.ringing',
          cancelTimers: ['ringTimeout'],
          startTimers: [{ timerId: 'ringTimeout', dueAt: T0 + 40_000 }],
        },
      ),
    );

    const loaded = await journal.loadAttempt('a-1');
    expect(loaded).toMatchObject({
      seq: 2,
      state: 'dialing.ringing',
      done: false,
      timers: [{ timerId: 'ringTimeout', dueAt: T0 + 40_000 }],
    });
    expect(loaded?.snapshot).toEqual(
      sampleCommit(
        attempt,
        2,
        { type: 'channel.ringing', at: T0 + 2 },
        { state: 'dialing.ringing' },
      ).snapshot,
    );
    const entries = await journal.loadEntries('a-1');
    expect(entries.map((entry) => [entry.seq, entry.event.type, entry.state])).toEqual([
      [1, 'attempt.started', 'dialing.originating'],
      [2, 'channel.ringing', 'dialing.ringing'],
    ]);
    expect((await journal.listOpenAttempts()).map((open) => open.attemptId)).toEqual(['a-1']);

    await journal.commit(
      sampleFinalCommit(attempt, 3, {
        at: T0 + 3,
        cause: 17,
        facts: { ...NO_FACTS, endedAt: T0 + 3, outcome: 'busy' },
        lead: {
          leadId: 'lead-1',
          outcome: 'busy',
          error: null,
          next: { state: 'pending', nextAttemptAt: T0 + 60_000 },
        },
      }),
    );
    expect(await journal.loadAttempt('a-1')).toMatchObject({ seq: 3, done: true, timers: [] });
    expect(await journal.listOpenAttempts()).toEqual([]);
    const lead = await store()
      .node.db.selectFrom('lead')
      .select(['state', 'next_attempt_at', 'last_outcome', 'active_attempt_id'])
      .where('id', '=', 'lead-1')
      .executeTakeFirstOrThrow();
    expect(lead).toEqual({
      state: 'pending',
      next_attempt_at: T0 + 60_000,
      last_outcome: 'busy',
      active_attempt_id: null,
    });
  });

  it('refuses a commit that does not follow the journal, writing nothing of it', async () => {
    await seeded();
    const { journal } = store().node;
    const attempt = await claim('a-1', 'lead-1');
    await journal.commit(sampleCommit(attempt, 1, { type: 'attempt.started', at: T0 + 1 }));

    const skipped = journal.commit(sampleCommit(attempt, 3, { type: 'channel.ringing', at: T0 }));
    await expect(skipped).rejects.toThrow(JournalConflictError);
    await expect(skipped).rejects.toThrow('the journal is at seq 1, so the next seq is 2');
    const missing = { ...attempt, attemptId: 'nobody' };
    await expect(
      journal.commit(sampleCommit(missing, 1, { type: 'attempt.started', at: T0 })),
    ).rejects.toThrow('no such attempt');

    // The lead is no longer the attempt's: the end is refused and the attempt stays open.
    await store()
      .node.db.updateTable('lead')
      .set({ state: 'canceled', active_attempt_id: null })
      .where('id', '=', 'lead-1')
      .execute();
    const end = sampleFinalCommit(attempt, 2, {
      at: T0 + 2,
      cause: 16,
      facts: { ...NO_FACTS, endedAt: T0 + 2, outcome: 'no_answer' },
      lead: {
        leadId: 'lead-1',
        outcome: 'no_answer',
        error: null,
        next: { state: 'completed', nextAttemptAt: null },
      },
    });
    await expect(journal.commit(end)).rejects.toThrow(
      'lead lead-1 is not dialing for this attempt',
    );
    expect(await journal.loadAttempt('a-1')).toMatchObject({ seq: 1, done: false });
    expect(await journal.loadEntries('a-1')).toHaveLength(1);

    await journal.commit({ ...end, lead: null });
    await expect(
      journal.commit(sampleCommit(attempt, 3, { type: 'channel.ringing', at: T0 + 3 })),
    ).rejects.toThrow('the attempt is already done (at seq 2)');
  });

  it('group-commits one turn of commits: a conflict or a fault loses only its own unit', async () => {
    await seeded();
    const { journal } = store().node;
    const attempts = [
      await claim('a-1', 'lead-1'),
      await claim('a-2', 'lead-2'),
      await claim('a-3', 'lead-3'),
      await claim('a-4', 'lead-4'),
    ];
    // A storage fault, not a conflict: a journal row without its state breaks NOT NULL.
    const faulty = sampleCommit(attempts[3] as StoredAttempt, 1, {
      type: 'attempt.started',
      at: T0 + 1,
    });
    const broken = { ...faulty, entry: { ...faulty.entry, state: null as unknown as string } };
    const results = await Promise.allSettled([
      journal.commit(
        sampleCommit(attempts[0] as StoredAttempt, 1, { type: 'attempt.started', at: 1 }),
      ),
      journal.commit(
        sampleCommit(attempts[1] as StoredAttempt, 2, { type: 'attempt.started', at: 1 }),
      ),
      journal.commit(
        sampleCommit(attempts[2] as StoredAttempt, 1, { type: 'attempt.started', at: 1 }),
      ),
      journal.commit(broken),
    ]);
    expect(results.map((result) => result.status)).toEqual([
      'fulfilled',
      'rejected',
      'fulfilled',
      'rejected',
    ]);
    const [, conflict, , fault] = results as PromiseRejectedResult[];
    expect(conflict?.reason).toBeInstanceOf(JournalConflictError);
    expect(fault?.reason).not.toBeInstanceOf(JournalConflictError);
    const seqs = await Promise.all(
      ['a-1', 'a-2', 'a-3', 'a-4'].map(async (id) => (await journal.loadAttempt(id))?.seq),
    );
    expect(seqs).toEqual([1, 0, 1, 0]);
    expect(await journal.loadEntries('a-4')).toEqual([]);
  });
});
