import type { Kysely } from 'kysely';
import { afterEach, beforeEach, describe } from 'vitest';
import type { StoreDialect } from '../../src/store/dialect.js';
import { openPostgres } from '../../src/store/postgres/open-postgres.js';
import type { Database } from '../../src/store/schema.js';
import { createPostgresDatabase, postgresAvailable } from './postgres.js';
import { createTempDir, openMigratedStore } from './store-fixtures.js';

/** A fresh migrated database of one dialect, as a contract test sees it. */
export interface StoreUnderTest {
  readonly dialect: StoreDialect;
  readonly db: Kysely<Database>;
}

/** Opens a fresh migrated database; resolves to it and how to close and remove it. */
type Opener = () => Promise<{ store: StoreUnderTest; remove(): Promise<void> }>;

const OPENERS: Record<StoreDialect, Opener> = {
  async sqlite() {
    const dir = createTempDir();
    const store = await openMigratedStore(dir);
    return {
      store: { dialect: 'sqlite', db: store.db },
      async remove() {
        await store.close();
        dir.remove();
      },
    };
  },
  async postgres() {
    const database = await createPostgresDatabase();
    const postgres = openPostgres({ url: database.url, maxConnections: 4 });
    return {
      store: { dialect: 'postgres', db: postgres.db },
      async remove() {
        await postgres.close();
        await database.drop();
      },
    };
  },
};

/**
 * The store contract: `body` declares its tests once, and they run on a fresh SQLite
 * file and on a fresh PostgreSQL database each (PostgreSQL's skipped when this run has
 * none; see test/support/postgres.ts). `store()` is the database of the running test.
 */
export function describeEachStore(name: string, body: (store: () => StoreUnderTest) => void): void {
  for (const dialect of ['sqlite', 'postgres'] as const) {
    describeOnDialect(dialect, name, OPENERS[dialect], body);
  }
}

/**
 * One dialect's describe of a contract: `open` makes the test's fixture before each test
 * and `remove` undoes it after; skipped on PostgreSQL when this run has none.
 */
export function describeOnDialect<T>(
  dialect: StoreDialect,
  name: string,
  open: () => Promise<{ store: T; remove(): Promise<void> }>,
  body: (store: () => T) => void,
): void {
  const skip = dialect === 'postgres' && !postgresAvailable();
  describe.skipIf(skip)(`${name} (${dialect})`, () => {
    let current: { store: T; remove(): Promise<void> } | undefined;
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
