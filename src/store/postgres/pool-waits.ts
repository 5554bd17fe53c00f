import type { PostgresPool } from 'kysely';
import type pg from 'pg';
import type { Logger } from 'pino';

/** The setting that sizes the pool: what an operator changes when it runs short. */
export const POOL_SIZE_SETTING = 'DIALSTATE_DB_POOL_SIZE';

/** A wait for a pooled connection longer than this is logged (ms). */
export const DEFAULT_SLOW_WAIT_MS = 1_000;

/** Least time between two log lines about slow waits; the waits between are counted (ms). */
const LOG_EVERY_MS = 10_000;

/**
 * pg-pool's error for a request that waited in its queue for `connectionTimeoutMillis`
 * without a connection coming free (pg-pool 3.x), as opposed to a new connection that
 * could not be opened.
 */
const QUEUE_TIMEOUT_MESSAGE = 'timeout exceeded when trying to connect';

/** No pooled connection came free within the connect timeout: every one was busy. */
export class PoolExhaustedError extends Error {
  constructor(
    readonly poolSize: number,
    readonly waitedMs: number,
    options: { cause: unknown },
  ) {
    super(
      `no PostgreSQL connection came free within ${waitedMs} ms: all ${poolSize} connections of the pool (${POOL_SIZE_SETTING}) were busy; raise ${POOL_SIZE_SETTING} or lower DIALSTATE_MAX_CHANNELS`,
      options,
    );
    this.name = 'PoolExhaustedError';
  }
}

export interface PoolWaitOptions {
  /** The pool's `max`. */
  poolSize: number;
  /** How long a request waits in the queue before it fails (the pool's connect timeout, ms). */
  connectTimeoutMs: number;
  /** Where a slow wait is reported; unreported without one. */
  log?: Logger;
  /** A wait longer than this is logged (ms); default {@link DEFAULT_SLOW_WAIT_MS}. */
  slowWaitMs?: number;
  now?: () => number;
}

/**
 * The pool as Kysely uses it, with its waits watched. A request that finds every
 * connection busy queues in pg-pool: one that then waits longer than `slowWaitMs` is
 * logged (at most once per 10 s, with how many waited and the longest wait), and one
 * that times out fails with a {@link PoolExhaustedError} naming the setting to raise,
 * instead of pg-pool's bare "timeout exceeded when trying to connect". Requests that
 * find a connection free cost one comparison more.
 */
export function watchPoolWaits(pool: pg.Pool, options: PoolWaitOptions): PostgresPool {
  const { poolSize, connectTimeoutMs, log } = options;
  const slowWaitMs = options.slowWaitMs ?? DEFAULT_SLOW_WAIT_MS;
  const now = options.now ?? Date.now;
  let lastLogAt = Number.NEGATIVE_INFINITY;
  let slowWaits = 0;
  let longestMs = 0;

  function noteWait(waitedMs: number): void {
    if (waitedMs < slowWaitMs || !log) return;
    slowWaits += 1;
    longestMs = Math.max(longestMs, waitedMs);
    const at = now();
    if (at - lastLogAt < LOG_EVERY_MS) return;
    log.warn(
      {
        slowWaits,
        longestWaitMs: longestMs,
        poolSize,
        waiting: pool.waitingCount,
        setting: POOL_SIZE_SETTING,
      },
      `database queries waited over ${slowWaitMs} ms for a PostgreSQL connection: all ${poolSize} of the pool were busy; raise ${POOL_SIZE_SETTING} if this recurs`,
    );
    lastLogAt = at;
    slowWaits = 0;
    longestMs = 0;
  }

  return {
    async connect() {
      // Only a request that finds no idle connection and no room for another waits.
      if (pool.idleCount > 0 || pool.totalCount < poolSize) return pool.connect();
      const started = now();
      try {
        const client = await pool.connect();
        noteWait(now() - started);
        return client;
      } catch (error) {
        if (error instanceof Error && error.message === QUEUE_TIMEOUT_MESSAGE) {
          throw new PoolExhaustedError(poolSize, connectTimeoutMs, { cause: error });
        }
        throw error;
      }
    },
    end: () => pool.end(),
  };
}
