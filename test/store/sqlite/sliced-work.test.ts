import { afterEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../src/store/sqlite/db.js';
import { runSliced } from '../../../src/store/sqlite/sliced-work.js';
import { openMemoryStore } from '../../support/store-fixtures.js';

let store: Store | undefined;
afterEach(async () => {
  await store?.close();
});

/** Holds the thread for `ms` of wall-clock time, as synchronous SQLite work does. */
function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

describe('runSliced', () => {
  it("counts a transaction's commit in its budget: after a slow commit, the next slices' chunks get what it left, half the budget at least", async () => {
    const real = await openMemoryStore();
    store = real;
    // A COMMIT that takes 90 ms, like one writing a slice's pages to the WAL and waiting
    // for their fsync on a busy disk.
    const slowCommits: Store = {
      ...real,
      prepare(sql) {
        const statement = real.prepare(sql);
        if (sql !== 'commit') return statement;
        return {
          ...statement,
          reader: statement.reader,
          all: (parameters) => statement.all(parameters),
          iterate: (parameters) => statement.iterate(parameters),
          run: (parameters) => {
            busy(90);
            return statement.run(parameters);
          },
        };
      },
    };
    // The wall-clock time from each slice's first chunk to the end of its last one: the
    // budget stops a slice's chunks only once it has run out, so this is at least the
    // budget its chunks got, and at most that plus one chunk (and a wait for a core).
    const chunkTimes: number[] = [];
    let first: number | null = null;
    let last = 0;
    await runSliced(
      slowCommits,
      () => {
        first ??= performance.now();
        busy(4);
        last = performance.now();
        return chunkTimes.length === 6;
      },
      {
        sliceMs: 100,
        onSlice: () => {
          chunkTimes.push(last - (first ?? last));
          first = null;
        },
      },
    );
    // This measures from inside the first chunk to inside the last, a few microseconds
    // within the span the budget is checked against (taken around the chunks): 1 ms of
    // slack for that, far below the 4 ms a chunk takes.
    const SLACK_MS = 1;
    // The first slice knows nothing of its commit: 100 ms of chunks.
    expect(chunkTimes[0]).toBeGreaterThanOrEqual(100 - SLACK_MS);
    // Every later one would leave the commit's 90 ms of its 100, but keeps half the
    // budget: 50 ms of chunks and one more started before that ran out (4 ms). A chunk
    // that waits for a core on a loaded machine stretches its slice: the median of the
    // later slices, then, not each of them.
    const later = chunkTimes.slice(1, 6).sort((a, b) => a - b);
    expect(later[0]).toBeGreaterThanOrEqual(50 - SLACK_MS);
    expect(later[2]).toBeLessThan(85);
  });
});
