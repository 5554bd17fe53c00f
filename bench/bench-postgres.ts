/**
 * PostgreSQL for the benchmarks that measure it beside SQLite (`--store sqlite,postgres`):
 * the server at `--postgres-url`, or a throwaway cluster this process starts (the tests'
 * own, test/support/postgres-cluster.ts) and stops at the end. Either way each measured
 * run gets a fresh migrated database of its own, dropped afterwards.
 *
 * The cluster keeps PostgreSQL's durability defaults (fsync on, synchronous_commit on,
 * full_page_writes on): a commit returns once its WAL is flushed, the fair pair of
 * SQLite's synchronous FULL. Its shared_buffers is PostgreSQL's default, 128 MB (the
 * tests' cluster runs with 32 MB).
 */
import { randomBytes } from 'node:crypto';
import { migratePostgresToLatest } from '../src/store/postgres/migrate-postgres.js';
import {
  maskDatabaseUrl,
  openPostgres,
  type PostgresStore,
} from '../src/store/postgres/open-postgres.js';
import {
  databaseUrl,
  findPostgresBinDir,
  startThrowawayCluster,
  stopThrowawayCluster,
  type ThrowawayCluster,
  withClient,
} from '../test/support/postgres-cluster.js';

/** The engines a benchmark can measure side by side. */
export type BenchStore = 'sqlite' | 'postgres';

/** `sqlite,postgres` → the stores, in the order given (runs alternate in that order). */
export function benchStores(text: string): BenchStore[] {
  return text.split(',').map((name) => {
    if (name !== 'sqlite' && name !== 'postgres') {
      throw new Error(`--store takes sqlite and/or postgres (comma-separated), not "${name}"`);
    }
    return name;
  });
}

/** A database of one run: its URL, and how to drop it. */
export interface BenchDatabase {
  url: string;
  drop(): Promise<void>;
}

/** The server the benchmark uses, and the databases it makes there. */
export interface BenchPostgres {
  /** Which server: `throwaway cluster, PostgreSQL 15.x` or the given URL, masked. */
  description: string;
  /** A fresh database, migrated to the latest PostgreSQL migration. */
  newDatabase(): Promise<BenchDatabase>;
  /** Drops what is left of this run's databases and stops the cluster it started. */
  close(): Promise<void>;
}

/**
 * The pool the benchmarks open: 10 connections, the size docs/BENCHMARKS.md's PostgreSQL
 * figures were measured with (before `DIALSTATE_DB_POOL_SIZE`), so that new runs compare.
 */
export const BENCH_POOL_SIZE = 10;

/**
 * Starts a throwaway cluster (or uses the server at `url`, which must let its user
 * create databases) for a benchmark run.
 */
export async function startBenchPostgres(url?: string): Promise<BenchPostgres> {
  let cluster: ThrowawayCluster | null = null;
  let adminUrl: string;
  if (url !== undefined) adminUrl = url;
  else {
    const binDir = findPostgresBinDir();
    if (binDir === undefined) {
      throw new Error(
        'no PostgreSQL server is installed (/usr/lib/postgresql/<version>/bin): install one ' +
          'or pass --postgres-url postgres://user@host:port/database',
      );
    }
    cluster = await startThrowawayCluster(binDir, { shared_buffers: '128MB' });
    adminUrl = cluster.adminUrl;
  }
  const version = await withClient(adminUrl, async (client) => {
    const { rows } = await client.query<{ server_version: string }>('show server_version');
    return rows[0]?.server_version ?? '?';
  });
  const prefix = `dialstate_bench_${randomBytes(4).toString('hex')}`;
  const made = new Set<string>();
  const dropDatabase = async (name: string) => {
    await withClient(adminUrl, (client) => client.query(`drop database if exists "${name}"`));
    made.delete(name);
  };
  const description = `${cluster === null ? maskDatabaseUrl(adminUrl) : 'a throwaway cluster'}, PostgreSQL ${version}`;
  return {
    description,
    async newDatabase() {
      const name = `${prefix}_${made.size}_${randomBytes(3).toString('hex')}`;
      await withClient(adminUrl, (client) => client.query(`create database "${name}"`));
      made.add(name);
      const created = databaseUrl(adminUrl, name);
      const migrating: PostgresStore = openPostgres({ url: created, maxConnections: 1 });
      try {
        await migratePostgresToLatest(migrating.db);
      } finally {
        await migrating.close();
      }
      return { url: created, drop: () => dropDatabase(name) };
    },
    async close() {
      try {
        if (cluster !== null) await stopThrowawayCluster(cluster);
        else for (const name of [...made]) await dropDatabase(name);
      } finally {
        made.clear();
      }
    },
  };
}

/** The on-disk size of the database at `url` (bytes), as SQLite's file size is. */
export async function postgresDatabaseBytes(url: string): Promise<number> {
  return withClient(url, async (client) => {
    const { rows } = await client.query<{ bytes: string }>(
      'select pg_database_size(current_database()) as bytes',
    );
    return Number(rows[0]?.bytes ?? Number.NaN);
  });
}
