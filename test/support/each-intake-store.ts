import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { type Kysely, sql } from 'kysely';
import { pino } from 'pino';
import { afterEach, beforeEach, describe } from 'vitest';
import type {
  DncListStore,
  LeadAddStore,
  LeadImportRepository,
  LeadImportStore,
} from '../../src/intake/lead-intake-ports.js';
import { type CampaignPurger, startCampaignPurger } from '../../src/store/campaign-purge.js';
import { createDncListStore } from '../../src/store/dnc-list-store.js';
import {
  type ImportMergeResumer,
  resumeImportMerges,
} from '../../src/store/lead-import/lead-import-resume.js';
import { createLeadImportRepository } from '../../src/store/lead-import/lead-imports.js';
import { createLeadIntakeStore } from '../../src/store/lead-import/lead-intake-store.js';
import { startPostgresCampaignPurger } from '../../src/store/postgres/campaign-purge.js';
import { createPostgresDncListStore } from '../../src/store/postgres/dnc-list-store.js';
import { resumePostgresImportMerges } from '../../src/store/postgres/import-resume.js';
import { createPostgresLeadIntakeStore } from '../../src/store/postgres/lead-intake-store.js';
import { openPostgres } from '../../src/store/postgres/open-postgres.js';
import type { Database } from '../../src/store/schema.js';
import { createPostgresDatabase, postgresAvailable } from './postgres.js';
import { createTempDir, openMigratedStore, T0 } from './store-fixtures.js';

const silent = pino({ level: 'silent' });

/**
 * The intake side of the store (imports, do-not-call lists, campaign purge) over a fresh
 * migrated database of one dialect, each adapter as the server builds it there.
 */
export interface IntakeStoreUnderTest {
  readonly dialect: 'sqlite' | 'postgres';
  readonly db: Kysely<Database>;
  /** `onSlice` is told of each merge transaction (and may throw, to break a merge off). */
  intake(onSlice?: (ms: number) => void): LeadImportStore & LeadAddStore;
  readonly imports: LeadImportRepository;
  readonly dncLists: DncListStore;
  startPurger(): CampaignPurger;
  /** What a start does for merges a stopped run left (ADR 024). */
  resumeMerges(): ImportMergeResumer;
  /** How many import stagings exist (SQLite: staging files; PostgreSQL: staging tables). */
  stagingsLeft(): Promise<number>;
  /** Removes every import staging, as a lost disk or a dropped table would. */
  dropStagings(): Promise<void>;
}

type Opened = { store: IntakeStoreUnderTest; remove(): Promise<void> };

async function openSqlite(): Promise<Opened> {
  const dir = createTempDir();
  const store = await openMigratedStore(dir);
  const { db } = store;
  const stagingFiles = () => readdirSync(dir.path).filter((name) => name.includes('-import-'));
  return {
    store: {
      dialect: 'sqlite',
      db,
      // One chunk per slice, so that a test can break a merge off after its first chunk;
      // on the event loop, where a throwing onSlice stops the merge at once. A merge thread
      // goes on while the loop gets to its message: on a loaded machine it had merged
      // everything before it heard of the break.
      intake: (onSlice) =>
        createLeadIntakeStore(store, onSlice ? { sliceMs: 0, onSlice, onEventLoop: true } : {}),
      imports: createLeadImportRepository(db),
      dncLists: createDncListStore(store),
      startPurger: () => startCampaignPurger({ store, log: silent }),
      resumeMerges: () => resumeImportMerges({ store, log: silent, now: () => T0 }),
      stagingsLeft: async () => stagingFiles().length,
      async dropStagings() {
        for (const file of stagingFiles()) rmSync(join(dir.path, file));
      },
    },
    async remove() {
      await store.close();
      dir.remove();
    },
  };
}

async function openPostgresStore(): Promise<Opened> {
  const database = await createPostgresDatabase();
  const postgres = openPostgres({ url: database.url, maxConnections: 4 });
  const { db } = postgres;
  const stagingTables = async () => {
    const { rows } = await sql<{ name: string }>`select relname as name from pg_class
      where relkind = 'r' and starts_with(relname, 'lead_import_rows_')`.execute(db);
    return rows.map((row) => row.name);
  };
  return {
    store: {
      dialect: 'postgres',
      db,
      intake: (onSlice) => createPostgresLeadIntakeStore(db, { onSlice }),
      // As the server wires them.
      imports: createLeadImportRepository(db),
      dncLists: createPostgresDncListStore(db),
      startPurger: () => startPostgresCampaignPurger({ db, log: silent }),
      resumeMerges: () => resumePostgresImportMerges({ db, log: silent, now: () => T0 }),
      async stagingsLeft() {
        return (await stagingTables()).length;
      },
      async dropStagings() {
        for (const name of await stagingTables()) await sql`drop table ${sql.id(name)}`.execute(db);
      },
    },
    async remove() {
      await postgres.close();
      await database.drop();
    },
  };
}

/**
 * Declares `body`'s tests once; they run on a fresh SQLite file and on a fresh
 * PostgreSQL database each (PostgreSQL's skipped, with the run's one line saying why,
 * when there is none; see test/support/postgres.ts).
 */
export function describeEachIntakeStore(
  name: string,
  body: (store: () => IntakeStoreUnderTest) => void,
): void {
  for (const [dialect, open] of [
    ['sqlite', openSqlite],
    ['postgres', openPostgresStore],
  ] as const) {
    describe.skipIf(dialect === 'postgres' && !postgresAvailable())(`${name} (${dialect})`, () => {
      let current: Opened | undefined;
      beforeEach(async () => {
        current = await open();
      });
      afterEach(async () => {
        const opened = current;
        current = undefined;
        await opened?.remove();
      });
      body(() => {
        if (current === undefined) throw new Error('the store is only there inside a test');
        return current.store;
      });
    });
  }
}
