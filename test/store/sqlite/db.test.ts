import { existsSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Store } from '../../../src/store/sqlite/db.js';
import { createTempDir, type TempDir } from '../../support/store-fixtures.js';

let dir: TempDir;
const stores: Store[] = [];
beforeEach(() => {
  dir = createTempDir();
});
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
  dir.remove();
});

function open(options: { name?: string; synchronous?: 'NORMAL' | 'FULL' } = {}): Store {
  const store = openDatabase({
    path: join(dir.path, options.name ?? 'dialstate.db'),
    synchronous: options.synchronous,
  });
  stores.push(store);
  return store;
}

async function pragma(store: Store, name: string): Promise<unknown> {
  const { rows } = await sql<Record<string, unknown>>`pragma ${sql.raw(name)}`.execute(store.db);
  return Object.values(rows[0] ?? {})[0];
}

// PRAGMA synchronous reports a number: 1 is NORMAL, 2 is FULL.
const SYNCHRONOUS = { NORMAL: 1, FULL: 2 };

describe('openDatabase', () => {
  it('puts a file database in WAL mode with foreign keys on and a busy timeout', async () => {
    const store = open();
    expect(await pragma(store, 'journal_mode')).toBe('wal');
    expect(await pragma(store, 'foreign_keys')).toBe(1);
    expect(await pragma(store, 'busy_timeout')).toBe(5000);
  });

  it('syncs FULL unless told otherwise', async () => {
    expect(await pragma(open(), 'synchronous')).toBe(SYNCHRONOUS.FULL);
  });

  it('syncs NORMAL when asked to', async () => {
    expect(await pragma(open({ synchronous: 'NORMAL' }), 'synchronous')).toBe(SYNCHRONOUS.NORMAL);
  });

  it('refuses a synchronous mode it does not know', () => {
    expect(() =>
      openDatabase({ path: join(dir.path, 'x.db'), synchronous: 'OFF' as 'FULL' }),
    ).toThrow(/synchronous must be NORMAL or FULL/);
  });

  it('says which file it could not open, as whom and what to do, with the reason as cause', () => {
    const blocker = join(dir.path, 'blocker');
    writeFileSync(blocker, '');
    const path = join(blocker, 'dialstate.db');
    const user = userInfo().username;
    expect(() => openDatabase({ path })).toThrow(
      expect.objectContaining({
        name: 'DatabaseAccessError',
        message: expect.stringMatching(
          new RegExp(
            `^cannot use the database ${path} as user ${user} \\(uid \\d+\\): .*\\(EEXIST; ${blocker} is not a folder\\)\\. To fix: make ${blocker}, ${path} .* writable by ${user}`,
          ),
        ),
        cause: expect.objectContaining({ code: 'EEXIST' }),
      }),
    );
  });

  it('creates the missing parent directories of the file', async () => {
    const store = open({ name: join('data', 'nested', 'dialstate.db') });
    await sql`create table probe (x)`.execute(store.db);
    expect(existsSync(join(dir.path, 'data', 'nested', 'dialstate.db'))).toBe(true);
  });

  it('opens an in-memory database with foreign keys on', async () => {
    const store = openDatabase({ path: ':memory:' });
    stores.push(store);
    expect(await pragma(store, 'journal_mode')).toBe('memory');
    expect(await pragma(store, 'foreign_keys')).toBe(1);
  });

  it('closes once however often it is asked, used or not', async () => {
    const unused = openDatabase({ path: join(dir.path, 'unused.db') });
    await unused.close();
    await unused.close();
    const used = open({ name: 'used.db' });
    await sql`select 1`.execute(used.db);
    await used.close();
    await used.close();
  });
});
