import { afterEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/db.js';
import { runSliced } from '../../src/store/sliced-work.js';
import { openMemoryStore } from '../support/store-fixtures.js';

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
  it("counts a transaction's commit in its budget: after a slow commit, the next slices do fewer chunks", async () => {
    const real = await openMemoryStore();
    store = real;
    // A COMMIT that takes 30 ms, like one writing a slice's pages to the WAL and waiting
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
            busy(30);
            return statement.run(parameters);
          },
        };
      },
    };
    const chunksPerSlice: number[] = [];
    let chunks = 0;
    await runSliced(
      slowCommits,
      () => {
        busy(2);
        chunks += 1;
        return chunksPerSlice.length === 6;
      },
      {
        sliceMs: 40,
        onSlice: () => {
          chunksPerSlice.push(chunks);
          chunks = 0;
        },
      },
    );
    // The first slice knows nothing of its commit: 40 ms of 2 ms chunks (fewer when the
    // machine is loaded and a chunk waits for a core).
    expect(chunksPerSlice[0]).toBeGreaterThan(6);
    // Every later one leaves the commit's 30 ms of its 40: 10 ms of chunks, 5 or 6 of
    // them (with the one started before the budget ran out), however loaded the machine.
    for (const later of chunksPerSlice.slice(1, 6)) expect(later).toBeLessThanOrEqual(7);
  });
});
