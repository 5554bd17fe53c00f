import { afterEach, describe, expect, it } from 'vitest';
import type { AttemptTransition } from '../../src/calls/attempt-runner.js';
import {
  type AttemptCommit,
  type AttemptJournal,
  JournalConflictError,
} from '../../src/calls/ports.js';
import { replayAttempt } from '../../src/machines/attempt-replay.js';
import type { AttemptEvent } from '../../src/machines/attempt-types.js';
import { createHarness, type Harness } from '../support/harness.js';

/**
 * Events of one attempt waiting together are committed as one unit (ADR 040): each its
 * own journal entry, their effects after that commit, in order.
 */

const open: Harness[] = [];
afterEach(async () => {
  while (open.length > 0) await open.pop()?.close();
});

/** The journal as the runner sees it, noting how each commit reached it. */
function countingJournal(faults: { group: unknown[] } = { group: [] }) {
  const calls: { kind: 'one' | 'group'; seqs: number[] }[] = [];
  const wrap = (journal: AttemptJournal): AttemptJournal => ({
    loadAttempt: (id) => journal.loadAttempt(id),
    listOpenAttempts: () => journal.listOpenAttempts(),
    loadEntries: (id) => journal.loadEntries(id),
    commit(commit) {
      calls.push({ kind: 'one', seqs: [commit.entry.seq] });
      return journal.commit(commit);
    },
    async commitInOrder(commits: readonly AttemptCommit[]) {
      calls.push({ kind: 'group', seqs: commits.map((c) => c.entry.seq) });
      const fault = faults.group.shift();
      if (fault !== undefined) throw fault;
      await journal.commitInOrder?.(commits);
    },
  });
  return { calls, wrap };
}

async function harnessWith(wrap: (journal: AttemptJournal) => AttemptJournal) {
  const h = await createHarness({ wrapJournal: wrap });
  open.push(h);
  return h;
}

/** A busy call's last events, as one read of the websocket delivers them. */
function busyBurst(at: number): AttemptEvent[] {
  return [
    { type: 'channel.ringing', at },
    { type: 'dial.statusChanged', at, dialStatus: 'BUSY' },
    { type: 'farEnd.hungUp', at, cause: 17 },
    { type: 'channel.hungUp', at, cause: 0 },
  ];
}

describe('attempt runner: events waiting together', () => {
  it('commits them as one unit, each its own entry, and applies them in order after it', async () => {
    const { calls, wrap } = countingJournal();
    const h = await harnessWith(wrap);
    const id = await h.launch(1);
    const transitions: AttemptTransition[] = [];
    const committedWhenTold: number[] = [];
    h.runner.onTransition((t) => {
      transitions.push(t);
      committedWhenTold.push(calls.length);
    });
    const before = calls.length;
    await Promise.all(busyBurst(h.clock.now()).map((event) => h.runner.dispatch(id, event)));
    await h.runner.settled();

    expect(calls.slice(before)).toEqual([{ kind: 'group', seqs: [2, 3, 4, 5] }]);
    // Every transition is told after the one commit that holds it.
    expect(transitions.map((t) => t.seq)).toEqual([2, 3, 4, 5]);
    expect(committedWhenTold).toEqual([before + 1, before + 1, before + 1, before + 1]);
    const entries = await h.journal.loadEntries(id);
    expect(entries.map((e) => [e.seq, e.event.type])).toEqual([
      [1, 'attempt.started'],
      [2, 'channel.ringing'],
      [3, 'dial.statusChanged'],
      [4, 'farEnd.hungUp'],
      [5, 'channel.hungUp'],
    ]);
    const attempt = await h.journal.loadAttempt(id);
    if (!attempt) throw new Error('attempt missing');
    expect(attempt).toMatchObject({ seq: 5, done: true });
    // The journal is what one event at a time would have written: it replays.
    const replay = replayAttempt({
      machineVersion: attempt.machineVersion,
      input: attempt.input,
      entries,
    });
    expect(replay.snapshot).toEqual(attempt.snapshot);
    expect(await h.lead(1)).toMatchObject({ state: 'pending', lastOutcome: 'busy' });
    expect(h.runner.isLive(id)).toBe(false);
  });

  it('skips, in its place, an event that comes after the end or no longer at its seq', async () => {
    const { wrap } = countingJournal();
    const h = await harnessWith(wrap);
    const id = await h.launch(1);
    const at = h.clock.now();
    const results = await Promise.all([
      h.runner.dispatchIfAt(id, 1, { type: 'channel.ringing', at }),
      // Still at seq 1 when its turn comes? No: the ringing before it made seq 2.
      h.runner.dispatchIfAt(id, 1, { type: 'channel.hungUp', at, cause: 16 }),
      h.runner.dispatchIfAt(id, 2, { type: 'channel.hungUp', at, cause: 16 }),
      h.runner.dispatchIfAt(id, 3, { type: 'channel.ringing', at }),
    ]);
    expect(results).toEqual([true, false, true, false]);
    const entries = await h.journal.loadEntries(id);
    expect(entries.map((e) => e.event.type)).toEqual([
      'attempt.started',
      'channel.ringing',
      'channel.hungUp',
    ]);
  });

  it('retries the unit after a storage fault, the events waiting for it', async () => {
    const faults = { group: [new Error('disk I/O error')] as unknown[] };
    const { calls, wrap } = countingJournal(faults);
    const h = await harnessWith(wrap);
    const id = await h.launch(1);
    const before = calls.length;
    const transitions: number[] = [];
    h.runner.onTransition((t) => transitions.push(t.seq));
    const dispatched = Promise.all(
      busyBurst(h.clock.now()).map((event) => h.runner.dispatch(id, event)),
    );
    // The retry waits out its back-off on the harness's clock.
    await new Promise((resolve) => setImmediate(resolve));
    await h.advance(1_000);
    await dispatched;
    expect(calls.slice(before)).toEqual([
      { kind: 'group', seqs: [2, 3, 4, 5] },
      { kind: 'group', seqs: [2, 3, 4, 5] },
    ]);
    expect(transitions).toEqual([2, 3, 4, 5]);
    expect((await h.journal.loadEntries(id)).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
  });

  it('goes one event at a time when the unit is refused, each meeting what it would alone', async () => {
    const faults = {
      group: [new JournalConflictError('x', 2, 'refused for the test')] as unknown[],
    };
    const { calls, wrap } = countingJournal(faults);
    const h = await harnessWith(wrap);
    const id = await h.launch(1);
    const before = calls.length;
    await Promise.all(busyBurst(h.clock.now()).map((event) => h.runner.dispatch(id, event)));
    await h.runner.settled();
    expect(calls.slice(before)).toEqual([
      { kind: 'group', seqs: [2, 3, 4, 5] },
      { kind: 'one', seqs: [2] },
      { kind: 'one', seqs: [3] },
      { kind: 'one', seqs: [4] },
      { kind: 'one', seqs: [5] },
    ]);
    expect((await h.journal.loadAttempt(id))?.done).toBe(true);
  });
});
