import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openPostgres } from '../../../src/store/postgres/open-postgres.js';
import { createPostgresCommitBatcher } from '../../../src/store/postgres/postgres-commit-batcher.js';
import { useCleanup } from '../../support/cleanup.js';
import { createPostgresDatabase, postgresAvailable } from '../../support/postgres.js';
import { until } from '../../support/until.js';

/** Settles when `resolve` is called; for units that must wait on each other. */
function signal(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => {};
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

describe.skipIf(!postgresAvailable())('PostgreSQL group commit, two batches in a deadlock', () => {
  const later = useCleanup();

  it("commits every unit of both: the loser's whole batch is rolled back and run again", async () => {
    const database = await createPostgresDatabase();
    later(() => database.drop());
    const store = openPostgres({ url: database.url, maxConnections: 4 });
    later(() => store.close());
    const { db } = store;
    await sql`create table counter (id int primary key, n int not null)`.execute(db);
    await sql`insert into counter values (1, 0), (2, 0)`.execute(db);
    const bump = (id: number) => async (trx: typeof db) => {
      await sql`update counter set n = n + 1 where id = ${id}`.execute(trx);
    };
    /** How many backends of this database wait for a lock. */
    const lockWaits = async () => {
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity
        where datname = current_database() and wait_event_type = 'Lock'`.execute(db);
      return rows[0]?.n ?? 0;
    };
    const batcher = createPostgresCommitBatcher(db);

    // Batch A: counter 1, then counter 2 once batch B holds it. Each unit leaves its
    // row locked until A commits, as a journal commit leaves a campaign's counters.
    const aHolds1 = signal();
    const bHolds2 = signal();
    const a = [
      batcher.run(async (trx) => {
        await bump(1)(trx);
        aHolds1.resolve();
      }),
      batcher.run(async (trx) => {
        await bHolds2.promise;
        await bump(2)(trx);
      }),
    ];
    await aHolds1.promise;
    // Batch B, queued once A is under way, so a batch of its own: counter 2, then
    // counter 1 (held by A's first unit) once A's second unit waits for counter 2.
    let firstRun = true;
    const b = [
      batcher.run(async (trx) => {
        await bump(2)(trx);
        bHolds2.resolve();
      }),
      batcher.run(async (trx) => {
        if (firstRun) {
          firstRun = false;
          await until(async () => (await lockWaits()) === 1, {
            what: "batch A's second unit waiting for counter 2",
          });
        }
        await bump(1)(trx);
      }),
    ];

    // Each waits on the other: PostgreSQL fails one statement. A savepoint rolled back
    // keeps the lock of its batch's first unit, so one of them would fail for good.
    const settled = await Promise.allSettled([...a, ...b]);
    expect(settled.map((result) => result.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'fulfilled',
      'fulfilled',
    ]);
    const { rows } = await sql<{
      id: number;
      n: number;
    }>`select id, n from counter order by id`.execute(db);
    expect(rows).toEqual([
      { id: 1, n: 2 },
      { id: 2, n: 2 },
    ]);
  }, 60_000);
});
