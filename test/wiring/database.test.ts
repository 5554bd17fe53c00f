import path from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config.js';
import type { SqliteAttemptJournal } from '../../src/store/journal/attempt-journal.js';
import { knownPostgresMigrationNames } from '../../src/store/postgres/migrate-postgres.js';
import {
  type DatabaseParts,
  migrateDatabase,
  openDatabaseParts,
  withDatabase,
} from '../../src/wiring/database.js';
import { useCleanup } from '../support/cleanup.js';
import { createPostgresDatabase, postgresAvailable } from '../support/postgres.js';
import { createTempDir, sampleCampaign, type TempDir } from '../support/store-fixtures.js';
import { until } from '../support/until.js';

let dir: TempDir | undefined;
afterEach(() => {
  dir?.remove();
  dir = undefined;
});

function dbConfig(url: string | null = null, poolSize = 20): Config['db'] {
  dir = createTempDir();
  return {
    url,
    path: path.join(dir.path, 'dialstate.db'),
    synchronous: 'NORMAL',
    checkpoints: 'background',
    walSync: 'commit',
    busyTimeoutMs: 5_000,
    unwritableAfterMs: 10_000,
    nodeId: 'node-test',
    nodeLeaseMs: 15_000,
    poolSize,
  };
}

describe('the database parts', () => {
  it('builds each adapter once, on first use, over the one migrated database', async () => {
    const config = dbConfig();
    const parts = await openDatabaseParts(config);
    try {
      expect(parts.applied.length).toBeGreaterThan(0);
      expect(parts.dialect).toBe('sqlite');
      expect(parts.location).toBe(config.path);
      expect(Object.getOwnPropertyDescriptor(parts, 'campaigns')?.get).toBeDefined();
      const campaigns = parts.campaigns;
      expect(parts.campaigns).toBe(campaigns);
      expect(Object.getOwnPropertyDescriptor(parts, 'campaigns')?.value).toBe(campaigns);
      await campaigns.insert(sampleCampaign({ id: 'campaign-1' }));
      expect((await parts.campaignControl.getCampaign('campaign-1'))?.id).toBe('campaign-1');
      await expect(parts.ping()).resolves.toBeUndefined();
    } finally {
      await parts.close();
    }
  });

  it('closes the database after a command, also when it fails', async () => {
    const config = dbConfig();
    let seen: DatabaseParts | undefined;
    await expect(
      withDatabase(config, async (parts) => {
        seen = parts;
        throw new Error('command failed');
      }),
    ).rejects.toThrow('command failed');
    expect(seen).toBeDefined();
    await expect(seen?.ping()).rejects.toThrow();
    // The file stays usable: the next command opens it again.
    await withDatabase(config, async (parts) => {
      expect(await parts.campaigns.list()).toEqual([]);
    });
  });

  it("syncs the journal's commits as DIALSTATE_DB_WAL_SYNC says (ADR 037)", async () => {
    // Inside a batch the connection is at NORMAL when the thread pool syncs the WAL after
    // the commit, and at FULL when SQLite syncs it inside COMMIT.
    const inBatch = async (walSync: Config['db']['walSync']) => {
      const parts = await openDatabaseParts({ ...dbConfig(), synchronous: 'FULL', walSync });
      try {
        const journal = parts.journal as SqliteAttemptJournal;
        return await journal.transact(
          (prepare) => (prepare('pragma synchronous').all([]) as { synchronous: number }[])[0],
        );
      } finally {
        await parts.close();
      }
    };
    expect(await inBatch('commit')).toEqual({ synchronous: 2 });
    expect(await inBatch('thread-pool')).toEqual({ synchronous: 1 });
    // auto: inside COMMIT until a COMMIT has been slow (ADR 052).
    expect(await inBatch('auto')).toEqual({ synchronous: 2 });
  });

  it('migrates the SQLite file for `dialstate migrate`, once', async () => {
    const config = dbConfig();
    expect((await migrateDatabase(config)).applied.length).toBeGreaterThan(0);
    expect(await migrateDatabase(config)).toEqual({ location: config.path, applied: [] });
  });
});

describe.skipIf(!postgresAvailable())('the database parts on PostgreSQL', () => {
  const cleanup = useCleanup();

  /** A fresh empty database's URL, with a password (the test server trusts any). */
  async function emptyDatabaseUrl(): Promise<string> {
    const database = await createPostgresDatabase({ migrated: false });
    cleanup(() => database.drop());
    const url = new URL(database.url);
    url.password = 's3cret-pw';
    return url.toString();
  }

  /** Connections the pools of dialstate hold to the database of `url`. */
  async function dialstateConnections(url: string): Promise<number> {
    const client = new pg.Client({ connectionString: url, application_name: 'test' });
    await client.connect();
    try {
      const { rows } = await client.query<{ n: string }>(
        `select count(*) as n from pg_stat_activity
         where datname = current_database() and application_name = 'dialstate'`,
      );
      return Number(rows[0]?.n);
    } finally {
      await client.end();
    }
  }

  it('migrates the database selected by DIALSTATE_DATABASE_URL, showing it without its password', async () => {
    const url = await emptyDatabaseUrl();
    const first = await migrateDatabase(dbConfig(url));
    expect(first.applied).toEqual(knownPostgresMigrationNames());
    expect(first.location).toContain(':***@');
    expect(first.location).not.toContain('s3cret-pw');
    expect((await migrateDatabase(dbConfig(url))).applied).toEqual([]);
    await until(async () => (await dialstateConnections(url)) === 0, {
      timeoutMs: 30_000,
      what: 'the migration connections closed',
    });
  });

  it('opens every part over PostgreSQL, building each on first use, and closes its pool', async () => {
    const url = await emptyDatabaseUrl();
    const parts = await openDatabaseParts(dbConfig(url));
    expect(parts.dialect).toBe('postgres');
    expect(parts.location).toContain(':***@');
    expect(parts.location).not.toContain('s3cret-pw');
    await parts.campaigns.insert(sampleCampaign({ id: 'campaign-1' }));
    expect((await parts.campaignControl.getCampaign('campaign-1'))?.id).toBe('campaign-1');
    // Built once: the runner and the claims must share one journal (one group commit).
    expect(parts.journal).toBe(parts.journal);
    expect(parts.dialing).toBe(parts.dialing);
    expect(parts.nodeLeases).not.toBeNull();
    const running = await parts.dialing.loadRunning();
    expect(running).toEqual({ campaigns: [], live: 0 });
    await expect(parts.ping()).resolves.toBeUndefined();
    await parts.close();
    await expect(parts.ping()).rejects.toThrow();
    await until(async () => (await dialstateConnections(url)) === 0, {
      timeoutMs: 30_000,
      what: 'the pool closed',
    });
  });

  it('opens at most DIALSTATE_DB_POOL_SIZE connections, however many queries come at once', async () => {
    const url = await emptyDatabaseUrl();
    const parts = await openDatabaseParts(dbConfig(url, 3));
    try {
      // Each query that finds no idle connection opens one while the pool has room:
      // eight at once open as many as the pool allows, and the rest wait for them.
      await Promise.all(Array.from({ length: 8 }, () => parts.ping()));
      expect(await dialstateConnections(url)).toBe(3);
    } finally {
      await parts.close();
    }
  });

  it('says which database it could not reach, without the password', async () => {
    const opening = migrateDatabase(dbConfig('postgres://dialstate:s3cret-pw@127.0.0.1:1/calls'));
    const error = (await opening.catch((e: unknown) => e)) as Error;
    expect(error.message).toBe(
      'could not open the PostgreSQL database at postgres://dialstate:***@127.0.0.1:1/calls',
    );
    expect(String(error.cause)).not.toContain('s3cret-pw');
  });
});
