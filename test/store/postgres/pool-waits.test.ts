import pg from 'pg';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { PoolExhaustedError, watchPoolWaits } from '../../../src/store/postgres/pool-waits.js';
import { useCleanup } from '../../support/cleanup.js';
import { createPostgresDatabase, postgresAvailable } from '../../support/postgres.js';
import { until } from '../../support/until.js';

describe.skipIf(!postgresAvailable())('waits for a connection of a full PostgreSQL pool', () => {
  const later = useCleanup();

  /** A pool of `size` over a fresh database, watched; `clock.ms` is its time. */
  async function watchedPool(size: number, connectTimeoutMs: number) {
    const database = await createPostgresDatabase({ migrated: false });
    later(() => database.drop());
    const pool = new pg.Pool({
      connectionString: database.url,
      max: size,
      connectionTimeoutMillis: connectTimeoutMs,
    });
    // As the server's pool does (open-postgres.ts): a client the database's drop
    // terminates while the pool ends must not be an unhandled 'error' event.
    pool.on('error', () => {});
    later(() => pool.end());
    const lines: Array<Record<string, unknown>> = [];
    const log = pino({ level: 'warn' }, { write: (line: string) => lines.push(JSON.parse(line)) });
    const clock = { ms: 0 };
    const watched = watchPoolWaits(pool, {
      poolSize: size,
      connectTimeoutMs,
      log,
      slowWaitMs: 1_000,
      now: () => clock.ms,
    });
    return { pool, watched, lines, clock };
  }

  it('logs a wait longer than the bound, naming the setting to raise, and none that is short', async () => {
    const { pool, watched, lines, clock } = await watchedPool(2, 30_000);
    const held = [await watched.connect(), await watched.connect()];
    // A wait that ends within the bound says nothing.
    const quick = watched.connect();
    await until(() => pool.waitingCount === 1, { what: 'the request queued' });
    clock.ms += 999;
    held.pop()?.release();
    held.push(await quick);
    expect(lines).toEqual([]);

    const slow = watched.connect();
    await until(() => pool.waitingCount === 1, { what: 'the request queued' });
    clock.ms += 4_000;
    held.pop()?.release();
    held.push(await slow);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 40,
      slowWaits: 1,
      longestWaitMs: 4_000,
      poolSize: 2,
      setting: 'DIALSTATE_DB_POOL_SIZE',
    });
    expect(String(lines[0]?.msg)).toContain('raise DIALSTATE_DB_POOL_SIZE');
    for (const client of held) client.release();
  });

  it('fails a query that found every connection busy until the timeout with an error saying so', async () => {
    const { watched } = await watchedPool(1, 200);
    const held = await watched.connect();
    try {
      const error = await watched.connect().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PoolExhaustedError);
      expect((error as Error).message).toBe(
        'no PostgreSQL connection came free within 200 ms: all 1 connections of the pool (DIALSTATE_DB_POOL_SIZE) were busy; raise DIALSTATE_DB_POOL_SIZE or lower DIALSTATE_MAX_CHANNELS',
      );
      expect(String((error as Error).cause)).toContain('timeout exceeded when trying to connect');
    } finally {
      held.release();
    }
  });

  it('passes on an error that is not a full pool as it is', async () => {
    const pool = new pg.Pool({
      connectionString: 'postgres://dialstate@127.0.0.1:1/none',
      max: 1,
      connectionTimeoutMillis: 2_000,
    });
    later(() => pool.end());
    const watched = watchPoolWaits(pool, { poolSize: 1, connectTimeoutMs: 2_000 });
    const error = await watched.connect().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(PoolExhaustedError);
  });
});
