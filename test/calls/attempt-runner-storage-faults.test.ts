import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { CommitAbandonedError, DEFAULT_COMMIT_RETRY } from '../../src/calls/durable-commit.js';
import { createStorageHealth, type StorageHealth } from '../../src/calls/storage-health.js';
import type { AttemptEvent } from '../../src/machines/attempt-types.js';
import { createFaultyJournal, type FaultyJournal } from '../support/faulty-journal.js';
import { createHarness, type EventWithoutTime, type Harness } from '../support/harness.js';

const { firstDelayMs, maxDelayMs } = DEFAULT_COMMIT_RETRY;

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function setUp(): Promise<{ h: Harness; faulty: FaultyJournal; storage: StorageHealth }> {
  const faulty = createFaultyJournal();
  let storage: StorageHealth | undefined;
  h = await createHarness({
    wrapJournal: faulty.wrap,
    storage: {
      writeFailed: (error) => storage?.writeFailed(error),
      writeSucceeded: () => storage?.writeSucceeded(),
    },
  });
  storage = createStorageHealth({
    clock: h.clock,
    log: pino({ level: 'silent' }),
    unwritableAfterMs: 10_000,
  });
  return { h, faulty, storage };
}

/** Dispatches without waiting for the commit; the promise is kept for later. */
function queue(x: Harness, attemptId: string, event: EventWithoutTime): Promise<void> {
  return x.runner.dispatch(attemptId, { ...event, at: x.clock.now() } as AttemptEvent);
}

describe('attempt runner on storage faults', () => {
  it('holds a failed event and the ones after it, retries it with a bounded back-off, and runs commands only after their commit', async () => {
    const { h, faulty, storage } = await setUp();
    const id = await h.launch(1);
    faulty.mode = 'fail';
    const held = [
      queue(h, id, { type: 'channel.ringing' }),
      queue(h, id, { type: 'dial.statusChanged', dialStatus: 'ANSWER' }),
      queue(h, id, { type: 'channel.answered' }),
    ];
    await faulty.failed(1);
    // Back-off: nothing is tried again before the first delay, then once per delay,
    // never waiting longer than the longest delay.
    h.clock.increment(firstDelayMs - 1);
    await Promise.resolve();
    expect(faulty.tries).toBe(2); // attempt.started, then the first try of ringing
    for (let failures = 2; failures <= 12; failures += 1) {
      h.clock.increment(maxDelayMs);
      await faulty.failed(failures);
    }
    expect(storage.status()).toMatchObject({ writable: false, failures: 12 });
    expect(await h.journal.loadAttempt(id)).toMatchObject({ seq: 1, done: false });
    expect(h.callControl.count('continueToAmd')).toBe(0);

    faulty.mode = 'ok';
    h.clock.increment(maxDelayMs);
    await Promise.all(held);
    await h.runner.settled();

    const entries = await h.journal.loadEntries(id);
    expect(entries.map((e) => e.event.type)).toEqual([
      'attempt.started',
      'channel.ringing',
      'dial.statusChanged',
      'channel.answered',
    ]);
    expect(h.callControl.typesFor(`dialstate-${id}`)).toEqual(['originate', 'continueToAmd']);
    expect(storage.status()).toMatchObject({ writable: true, failingSince: null });
  });

  it('keeps the timers of a held attempt: a timeout during the outage is journaled after it', async () => {
    const { h, faulty } = await setUp();
    const id = await h.launch(1);
    await h.send(id, { type: 'channel.ringing' });
    faulty.mode = 'fail';
    const [timer] = (await h.journal.loadAttempt(id))?.timers ?? [];
    if (timer === undefined) throw new Error('no ring timer');
    h.clock.set(timer.dueAt);
    await faulty.failed(1);
    faulty.mode = 'ok';
    h.clock.increment(maxDelayMs);
    await h.runner.settled();
    const entries = await h.journal.loadEntries(id);
    expect(entries.at(-1)?.event.type).toBe('timer.fired');
    expect(h.callControl.typesFor(`dialstate-${id}`)).toEqual(['originate', 'hangUp']);
  });

  it('takes a commit reported failed after it was written as committed, without writing it twice', async () => {
    const { h, faulty } = await setUp();
    const id = await h.launch(1);
    faulty.mode = 'failAfterWriteOnce';
    const answered = queue(h, id, { type: 'channel.answered' });
    await faulty.failed(1);
    h.clock.increment(firstDelayMs);
    await answered;
    await h.runner.settled();
    const entries = await h.journal.loadEntries(id);
    expect(entries.map((e) => e.seq)).toEqual([1, 2]);
    expect(h.callControl.count('continueToAmd')).toBe(1);
  });

  it('gives up a held event when it stops, leaving the attempt open for the next start', async () => {
    const { h, faulty } = await setUp();
    const id = await h.launch(1);
    faulty.mode = 'fail';
    const ringing = queue(h, id, { type: 'channel.ringing' });
    await faulty.failed(1);
    await h.runner.stop();
    await expect(ringing).rejects.toBeInstanceOf(CommitAbandonedError);
    expect(await h.journal.loadAttempt(id)).toMatchObject({ seq: 1, done: false });
  });
});
