import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import type { TestProject } from 'vitest/node';
import { migratePostgresToLatest } from '../../src/store/postgres/migrate-postgres.js';
import { openPostgres } from '../../src/store/postgres/open-postgres.js';
import {
  databaseUrl,
  findPostgresBinDir,
  startThrowawayCluster,
  stopThrowawayCluster,
  type ThrowawayCluster,
  withClient,
} from './postgres-cluster.js';
import { until } from './until.js';

/**
 * PostgreSQL for the tests. The vitest globalSetup (this file's default export) only
 * makes a folder for the run; the server is started by the first test that asks for a
 * database, so a run without PostgreSQL tests costs nothing. That test's process starts
 * ONE throwaway cluster for the whole run (or uses the server at
 * DIALSTATE_TEST_DATABASE_URL) and a migrated template database; every test then gets a
 * fresh database copied from the template. The globalSetup's teardown stops the cluster
 * (or drops what the run created on the given server).
 */

declare module 'vitest' {
  export interface ProvidedContext {
    /** The run's folder: who starts the server, and where it is (see RunState). */
    dialstatePostgresRunDir: string;
  }
}

/** A server of one's own for the tests: `postgres://user:password@host:port/database`. */
const URL_VARIABLE = 'DIALSTATE_TEST_DATABASE_URL';

/** How the tests reach PostgreSQL in this run, written once by the process that set it up. */
interface RunState {
  /** A database to connect to for CREATE/DROP DATABASE. */
  adminUrl: string;
  /** The migrated database each test database is copied from. */
  template: string;
  /** Every database this run creates starts with it; the teardown drops them. */
  prefix: string;
  /** The cluster this run started, or null when the server is DIALSTATE_TEST_DATABASE_URL's. */
  cluster: ThrowawayCluster | null;
}

const STATE_FILE = 'server.json';
const FAILED_FILE = 'failed.txt';
const LOCK_DIR = 'starting';

/**
 * Whether this run can test on PostgreSQL: a server URL is given, or the server's
 * binaries are installed. Known before any test runs, so `describe.skipIf` can use it.
 */
export function postgresAvailable(): boolean {
  return Boolean(process.env[URL_VARIABLE]) || findPostgresBinDir() !== undefined;
}

/** The line a run prints when it skips the PostgreSQL tests. */
const SKIP_LINE =
  `PostgreSQL tests skipped: ${URL_VARIABLE} is not set and no PostgreSQL server is ` +
  "installed (Debian's postgresql package puts it in /usr/lib/postgresql/<version>/bin).";

/** The vitest globalSetup: the run's folder, and the teardown that stops what was started. */
export default function setup(project: TestProject): () => Promise<void> {
  const runDir = mkdtempSync(join(tmpdir(), 'dialstate-pg-run-'));
  project.provide('dialstatePostgresRunDir', runDir);
  if (!postgresAvailable()) console.log(SKIP_LINE);
  return async () => {
    try {
      const state = readState(runDir);
      if (state?.cluster) await stopThrowawayCluster(state.cluster);
      else if (state) await dropRunDatabases(state);
    } finally {
      rmSync(runDir, { recursive: true, force: true });
    }
  };
}

function readState(runDir: string): RunState | undefined {
  const path = join(runDir, STATE_FILE);
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as RunState) : undefined;
}

/** Drops every database of the run on a server it did not start. */
async function dropRunDatabases(state: RunState): Promise<void> {
  await withClient(state.adminUrl, async (client) => {
    const { rows } = await client.query<{ datname: string }>(
      'select datname from pg_database where starts_with(datname, $1)',
      [state.prefix],
    );
    for (const { datname } of rows) {
      await client.query(`drop database if exists "${datname}" with (force)`);
    }
  });
}

/** Starts (or finds) the server and makes the migrated template; the run's first caller only. */
async function setUpServer(runDir: string): Promise<RunState> {
  const prefix = `dialstate_test_${randomBytes(4).toString('hex')}`;
  const givenUrl = process.env[URL_VARIABLE];
  const binDir = findPostgresBinDir();
  let cluster: ThrowawayCluster | null = null;
  let adminUrl: string;
  if (givenUrl) adminUrl = givenUrl;
  else if (binDir !== undefined) {
    cluster = await startThrowawayCluster(binDir);
    adminUrl = cluster.adminUrl;
  } else throw new Error(SKIP_LINE);
  const state: RunState = { adminUrl, template: `${prefix}_template`, prefix, cluster };
  // Written before the template exists, so that the teardown stops the cluster even when
  // migrating fails.
  writeState(runDir, state);
  await withClient(adminUrl, (client) => client.query(`create database "${state.template}"`));
  const template = openPostgres({ url: databaseUrl(adminUrl, state.template), maxConnections: 1 });
  try {
    await migratePostgresToLatest(template.db);
  } finally {
    await template.close();
  }
  return state;
}

function writeState(runDir: string, state: RunState): void {
  const staging = join(runDir, `${STATE_FILE}.tmp`);
  writeFileSync(staging, JSON.stringify(state));
  renameSync(staging, join(runDir, STATE_FILE));
}

let ready: Promise<RunState> | undefined;

/**
 * The run's server with its template, started by whichever test process asks first
 * (a lock folder decides); the others wait for it.
 */
function runServer(): Promise<RunState> {
  ready ??= (async () => {
    const runDir = inject('dialstatePostgresRunDir');
    const templateDone = join(runDir, 'template-ready');
    try {
      mkdirSync(join(runDir, LOCK_DIR));
    } catch {
      await until(() => existsSync(templateDone) || existsSync(join(runDir, FAILED_FILE)), {
        timeoutMs: 180_000,
        everyMs: 100,
        what: 'the test PostgreSQL server starting in another test process',
      });
      if (!existsSync(templateDone)) {
        throw new Error(
          `PostgreSQL for the tests failed to start: ${readFileSync(join(runDir, FAILED_FILE), 'utf8')}`,
        );
      }
      return readState(runDir) as RunState;
    }
    try {
      const state = await setUpServer(runDir);
      writeFileSync(templateDone, '');
      return state;
    } catch (error) {
      writeFileSync(join(runDir, FAILED_FILE), String(error));
      throw error;
    }
  })();
  return ready;
}

/** A database of one test: its URL, and how to drop it. */
export interface TestPostgresDatabase {
  url: string;
  /** Drops the database, ending any connection still open to it. */
  drop(): Promise<void>;
}

/**
 * A fresh database on the run's server: migrated to the latest PostgreSQL migration
 * (copied from the template, fast), or empty with `{ migrated: false }`.
 * Only call it where `postgresAvailable()` holds.
 */
export async function createPostgresDatabase({
  migrated = true,
}: {
  migrated?: boolean;
} = {}): Promise<TestPostgresDatabase> {
  const state = await runServer();
  const name = `${state.prefix}_${randomBytes(6).toString('hex')}`;
  const template = migrated ? state.template : 'template0';
  await withClient(state.adminUrl, (client) =>
    client.query(`create database "${name}" template "${template}"`),
  );
  return {
    url: databaseUrl(state.adminUrl, name),
    drop: () =>
      withClient(state.adminUrl, async (client) => {
        await client.query(`drop database if exists "${name}" with (force)`);
      }),
  };
}
