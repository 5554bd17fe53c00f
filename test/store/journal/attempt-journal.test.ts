import { describe, expect, it } from 'vitest';
import type { AttemptCommit, StoredAttempt } from '../../../src/calls/ports.js';
import type { AttemptFacts } from '../../../src/machines/attempt-types.js';
import {
  createAttemptJournal,
  JournalConflictError,
} from '../../../src/store/journal/attempt-journal.js';
import {
  NO_FACTS,
  sampleCommit,
  sampleFinalCommit,
  sampleLeads,
  sampleNewAttempt,
  T0,
} from '../../support/store-fixtures.js';
import { useStoreWorkspace } from '../../support/store-workspace.js';

const CAMPAIGN = 'campaign-reminders';
const RETRY = { maxAttempts: 2, retryAfterMinutes: { busy: 15 } };

const workspace = useStoreWorkspace({
  campaigns: [{ id: CAMPAIGN, retry: RETRY }],
  leads: sampleLeads(CAMPAIGN, 3),
});

function start(attemptId: string, leadId: string, at = T0): Promise<StoredAttempt> {
  return workspace.claim(attemptId, CAMPAIGN, leadId, at);
}

const ended: AttemptFacts = {
  ...NO_FACTS,
  startedAt: T0 + 10,
  endedAt: T0 + 900,
  dialStatus: 'BUSY',
  hangupCause: 0,
  farEndCause: 17,
  outcome: 'busy',
};

function finalCommit(
  attempt: StoredAttempt,
  seq: number,
  next: AttemptCommit['lead'],
): AttemptCommit {
  return sampleFinalCommit(attempt, seq, { at: T0 + 900, cause: 0, facts: ended, lead: next });
}

describe('attempt journal: creating attempts', () => {
  it('claims a pending lead for a new attempt numbered by the lead attempt count', async () => {
    const attempt = await start('attempt-1', 'lead-1');

    expect(attempt).toMatchObject({
      attemptId: 'attempt-1',
      campaignId: CAMPAIGN,
      leadId: 'lead-1',
      attemptNumber: 1,
      machineVersion: 1,
      seq: 0,
      state: 'idle',
      done: false,
      timers: [],
      retry: RETRY,
    });
    expect(await workspace.journal.loadAttempt('attempt-1')).toEqual(attempt);
    expect(await workspace.leads.get('lead-1')).toMatchObject({
      state: 'dialing',
      attempts: 1,
      activeAttemptId: 'attempt-1',
    });
  });

  it('refuses to claim a lead that is no longer pending, writing nothing', async () => {
    await start('attempt-1', 'lead-1');

    const again = await workspace.journal.createAttempt(
      sampleNewAttempt('attempt-2', CAMPAIGN, 'lead-1'),
    );

    expect(again).toEqual({ ok: false, reason: 'leadNotPending' });
    expect(await workspace.journal.loadAttempt('attempt-2')).toBeUndefined();
    expect(await workspace.leads.get('lead-1')).toMatchObject({
      attempts: 1,
      activeAttemptId: 'attempt-1',
    });
  });

  it('gives a lead to only one of two simultaneous claims', async () => {
    const claims = await Promise.all([
      workspace.journal.createAttempt(sampleNewAttempt('attempt-1', CAMPAIGN, 'lead-1')),
      workspace.journal.createAttempt(sampleNewAttempt('attempt-2', CAMPAIGN, 'lead-1')),
    ]);

    expect(claims.map((claim) => claim.ok)).toEqual([true, false]);
    expect(await workspace.journal.loadAttempt('attempt-2')).toBeUndefined();
    expect(await workspace.leads.get('lead-1')).toMatchObject({
      attempts: 1,
      activeAttemptId: 'attempt-1',
    });
  });

  it('refuses to claim a lead for a campaign it does not belong to', async () => {
    const other = await workspace.journal.createAttempt(
      sampleNewAttempt('attempt-1', 'campaign-x', 'lead-1'),
    );
    expect(other).toEqual({ ok: false, reason: 'leadNotPending' });
    expect((await workspace.leads.get('lead-1'))?.state).toBe('pending');
  });
});

describe('attempt journal: commits', () => {
  it('journals an event with its snapshot and summary columns', async () => {
    const attempt = await start('attempt-1', 'lead-1');
    const facts: AttemptFacts = {
      ...NO_FACTS,
      startedAt: T0 + 10,
      answeredAt: T0 + 400,
      handedOffAt: T0 + 700,
      dialStatus: 'ANSWER',
      amdStatus: 'HUMAN',
      amdCause: 'HUMAN-803-800',
      digits: '1',
      error: 'none',
    };
    const commit = sampleCommit(
      attempt,
      1,
      { type: 'dtmf.received', at: T0 + 650, digit: '1' },
      {
        state: 'handingOff',
        facts,
      },
    );
    commit.entry.commands = [
      {
        type: 'handOff',
        params: {
          channelId: 'dialstate-attempt-1',
          target: { kind: 'dialplan', context: 'ai-agent', extension: 's', priority: 1 },
          variables: { AI_CONTEXT: 'reminder' },
        },
      },
    ];
    commit.entry.timers = [
      { type: 'timer.start', timerId: 'xstate.after.handOff', delayMs: 10_000 },
    ];

    await workspace.journal.commit(commit);

    expect(await workspace.journal.loadEntries('attempt-1')).toEqual([commit.entry]);
    expect(await workspace.journal.loadAttempt('attempt-1')).toMatchObject({
      seq: 1,
      state: 'handingOff',
      done: false,
      snapshot: commit.snapshot,
    });
    const row = await workspace.store.db
      .selectFrom('attempt')
      .selectAll()
      .where('id', '=', 'attempt-1')
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      seq: 1,
      done: 0,
      outcome: null,
      error: 'none',
      started_at: T0 + 10,
      answered_at: T0 + 400,
      handed_off_at: T0 + 700,
      ended_at: null,
      dial_status: 'ANSWER',
      hangup_cause: null,
      far_end_cause: null,
      amd_status: 'HUMAN',
      amd_cause: 'HUMAN-803-800',
      digits: '1',
      updated_at: T0 + 650,
    });
    // The input has its own column; the snapshot, rewritten on every event, leaves it out.
    expect(JSON.parse(row.snapshot).context.input).toBeUndefined();
  });

  it('refuses a commit whose seq is not the next one and leaves the attempt unchanged', async () => {
    const attempt = await start('attempt-1', 'lead-1');
    const first = sampleCommit(attempt, 1, { type: 'attempt.started', at: T0 + 1 });
    await workspace.journal.commit(first);
    const before = await workspace.journal.loadAttempt('attempt-1');

    const skipped = sampleCommit(
      attempt,
      3,
      { type: 'channel.ringing', at: T0 + 2 },
      {
        state: 'dialing.ringing',
        startTimers: [{ timerId: 'xstate.after.ring', dueAt: T0 + 35_000 }],
      },
    );
    await expect(workspace.journal.commit(skipped)).rejects.toThrow(JournalConflictError);
    await expect(workspace.journal.commit(skipped)).rejects.toThrow(
      'attempt attempt-1: cannot commit seq 3: the journal is at seq 1, so the next seq is 2',
    );
    await expect(workspace.journal.commit(first)).rejects.toThrow(JournalConflictError);

    expect(await workspace.journal.loadAttempt('attempt-1')).toEqual(before);
    expect(await workspace.journal.loadEntries('attempt-1')).toEqual([first.entry]);
  });

  it('writes commits that follow each other as one unit, all or none', async () => {
    const attempt = await start('attempt-1', 'lead-1');
    const first = sampleCommit(attempt, 1, { type: 'attempt.started', at: T0 + 1 });
    const second = sampleCommit(attempt, 2, { type: 'channel.ringing', at: T0 + 2 });
    const last = finalCommit(attempt, 3, {
      leadId: 'lead-1',
      outcome: 'busy',
      error: null,
      next: { state: 'pending', nextAttemptAt: T0 + 900_900 },
    });
    // The third does not follow the second: nothing of the unit is written.
    const gap = sampleCommit(attempt, 4, { type: 'channel.lost', at: T0 + 3 });
    await expect(workspace.journal.commitInOrder?.([first, second, gap])).rejects.toThrow(
      JournalConflictError,
    );
    expect(await workspace.journal.loadEntries('attempt-1')).toEqual([]);

    await workspace.journal.commitInOrder?.([first, second, last]);
    expect(await workspace.journal.loadEntries('attempt-1')).toEqual([
      first.entry,
      second.entry,
      last.entry,
    ]);
    expect(await workspace.journal.loadAttempt('attempt-1')).toMatchObject({ seq: 3, done: true });
  });

  it('refuses a commit once the attempt is done', async () => {
    const attempt = await start('attempt-1', 'lead-1');
    await workspace.journal.commit(
      finalCommit(attempt, 1, {
        leadId: 'lead-1',
        outcome: 'busy',
        error: null,
        next: { state: 'pending', nextAttemptAt: T0 + 900_900 },
      }),
    );

    const late = sampleCommit(attempt, 2, { type: 'channel.lost', at: T0 + 1000 });
    await expect(workspace.journal.commit(late)).rejects.toThrow(
      /the attempt is already done \(at seq 1\)/,
    );
    expect(await workspace.journal.loadEntries('attempt-1')).toHaveLength(1);
  });

  it('refuses a commit for an attempt it does not know', async () => {
    const attempt = await start('attempt-1', 'lead-1');
    const stranger = sampleCommit({ ...attempt, attemptId: 'attempt-x' }, 1, {
      type: 'attempt.started',
      at: T0,
    });
    await expect(workspace.journal.commit(stranger)).rejects.toThrow(/no such attempt/);
  });

  it('starts, restarts and cancels timers, and clears them when the attempt ends', async () => {
    const attempt = await start('attempt-1', 'lead-1');
    await workspace.journal.commit(
      sampleCommit(
        attempt,
        1,
        { type: 'attempt.started', at: T0 },
        {
          startTimers: [
            { timerId: 'xstate.after.ring', dueAt: T0 + 35_000 },
            { timerId: 'xstate.after.amd', dueAt: T0 + 20_000 },
          ],
        },
      ),
    );
    expect((await workspace.journal.loadAttempt('attempt-1'))?.timers).toEqual([
      { timerId: 'xstate.after.amd', dueAt: T0 + 20_000 },
      { timerId: 'xstate.after.ring', dueAt: T0 + 35_000 },
    ]);

    await workspace.journal.commit(
      sampleCommit(
        attempt,
        2,
        { type: 'channel.ringing', at: T0 + 5_000 },
        {
          cancelTimers: ['xstate.after.ring', 'xstate.after.amd'],
          startTimers: [{ timerId: 'xstate.after.ring', dueAt: T0 + 40_000 }],
        },
      ),
    );
    expect((await workspace.journal.loadAttempt('attempt-1'))?.timers).toEqual([
      { timerId: 'xstate.after.ring', dueAt: T0 + 40_000 },
    ]);

    await workspace.journal.commit(
      finalCommit(attempt, 3, {
        leadId: 'lead-1',
        outcome: 'busy',
        error: null,
        next: { state: 'pending', nextAttemptAt: T0 + 900_900 },
      }),
    );
    expect((await workspace.journal.loadAttempt('attempt-1'))?.timers).toEqual([]);
  });

  it('moves the lead as decided when its attempt ends and releases it', async () => {
    const attempt = await start('attempt-1', 'lead-1');
    await workspace.journal.commit(
      finalCommit(attempt, 1, {
        leadId: 'lead-1',
        outcome: 'busy',
        error: null,
        next: { state: 'pending', nextAttemptAt: T0 + 900_900 },
      }),
    );

    expect(await workspace.journal.loadAttempt('attempt-1')).toMatchObject({
      done: true,
      state: 'done',
    });
    expect(await workspace.leads.get('lead-1')).toMatchObject({
      state: 'pending',
      attempts: 1,
      nextAttemptAt: T0 + 900_900,
      lastOutcome: 'busy',
      lastError: null,
      activeAttemptId: null,
      updatedAt: T0 + 900,
    });
    expect((await start('attempt-2', 'lead-1', T0 + 900_900)).attemptNumber).toBe(2);
  });

  it('keeps the due time of a lead that is not retried', async () => {
    const attempt = await start('attempt-1', 'lead-1');
    await workspace.journal.commit(
      finalCommit(attempt, 1, {
        leadId: 'lead-1',
        outcome: 'failed',
        error: 'originate failed (HTTP 500): boom',
        next: { state: 'failed', nextAttemptAt: null },
      }),
    );
    expect(await workspace.leads.get('lead-1')).toMatchObject({
      state: 'failed',
      nextAttemptAt: 0,
      lastOutcome: 'failed',
      lastError: 'originate failed (HTTP 500): boom',
      activeAttemptId: null,
    });
  });

  it('writes nothing of a final commit when its lead is no longer dialing for the attempt', async () => {
    const attempt = await start('attempt-1', 'lead-1');
    await workspace.journal.commit(
      sampleCommit(
        attempt,
        1,
        { type: 'attempt.started', at: T0 },
        {
          startTimers: [{ timerId: 'xstate.after.ring', dueAt: T0 + 35_000 }],
        },
      ),
    );
    const before = await workspace.journal.loadAttempt('attempt-1');
    await workspace.leads.changeState('lead-1', 'dialing', 'canceled', {}, T0 + 100);

    const final = finalCommit(attempt, 2, {
      leadId: 'lead-1',
      outcome: 'busy',
      error: null,
      next: { state: 'pending', nextAttemptAt: T0 + 900_900 },
    });
    await expect(workspace.journal.commit(final)).rejects.toThrow(/lead lead-1 is not dialing/);

    expect(await workspace.journal.loadAttempt('attempt-1')).toEqual(before);
    expect(await workspace.journal.loadEntries('attempt-1')).toHaveLength(1);
    expect((await workspace.leads.get('lead-1'))?.state).toBe('canceled');
  });

  it('fails only the conflicting one of several concurrent commits', async () => {
    const a = await start('attempt-1', 'lead-1');
    const b = await start('attempt-2', 'lead-2');
    const c = await start('attempt-3', 'lead-3');

    const results = await Promise.allSettled([
      workspace.journal.commit(sampleCommit(a, 1, { type: 'attempt.started', at: T0 })),
      workspace.journal.commit(sampleCommit(b, 7, { type: 'attempt.started', at: T0 })),
      workspace.journal.commit(sampleCommit(c, 1, { type: 'attempt.started', at: T0 })),
    ]);

    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(JournalConflictError);
    expect(await workspace.journal.loadEntries('attempt-1')).toHaveLength(1);
    expect(await workspace.journal.loadEntries('attempt-2')).toEqual([]);
    expect(await workspace.journal.loadEntries('attempt-3')).toHaveLength(1);
  });
});

describe('attempt journal: loading', () => {
  it('lists open attempts oldest first, with their timers and retry policy', async () => {
    const late = await start('attempt-late', 'lead-1', T0 + 2_000);
    const early = await start('attempt-early', 'lead-2', T0 + 1_000);
    const finished = await start('attempt-done', 'lead-3', T0);
    await workspace.journal.commit(
      sampleCommit(
        late,
        1,
        { type: 'attempt.started', at: T0 + 2_000 },
        {
          startTimers: [{ timerId: 'xstate.after.ring', dueAt: T0 + 37_000 }],
        },
      ),
    );
    await workspace.journal.commit(
      finalCommit(finished, 1, {
        leadId: 'lead-3',
        outcome: 'busy',
        error: null,
        next: { state: 'failed', nextAttemptAt: null },
      }),
    );

    const open = await workspace.journal.listOpenAttempts();

    expect(open.map((attempt) => attempt.attemptId)).toEqual(['attempt-early', 'attempt-late']);
    expect(open[0]).toEqual(early);
    expect(open[1]).toMatchObject({
      seq: 1,
      timers: [{ timerId: 'xstate.after.ring', dueAt: T0 + 37_000 }],
      retry: RETRY,
    });
  });

  it('keeps attempts, journals and timers across closing and reopening the file', async () => {
    const attempt = await start('attempt-1', 'lead-1');
    const first = sampleCommit(
      attempt,
      1,
      { type: 'attempt.started', at: T0 },
      {
        startTimers: [{ timerId: 'xstate.after.ring', dueAt: T0 + 35_000 }],
      },
    );
    const second = sampleCommit(
      attempt,
      2,
      { type: 'channel.ringing', at: T0 + 3_000 },
      {
        state: 'dialing.ringing',
      },
    );
    await workspace.journal.commit(first);
    await workspace.journal.commit(second);
    const stored = await workspace.journal.loadAttempt('attempt-1');
    await workspace.reopen();
    const reopened = createAttemptJournal(workspace.store);
    expect(await reopened.loadAttempt('attempt-1')).toEqual(stored);
    expect(await reopened.loadEntries('attempt-1')).toEqual([first.entry, second.entry]);
    expect(await reopened.listOpenAttempts()).toEqual([stored]);
  });
});
