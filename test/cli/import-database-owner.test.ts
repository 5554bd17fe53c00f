import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ownDatabaseForImport } from '../../src/cli/import-database-owner.js';
import { type Config, loadConfig } from '../../src/config.js';
import {
  acquireServerLock,
  ServerLockHeldError,
  serverLockPath,
} from '../../src/store/database-file/server-lock.js';
import { OWNED_MERGE_PACE } from '../../src/store/lead-import/lead-import-merge.js';
import { createTempDir, type TempDir } from '../support/store-fixtures.js';

let dir: TempDir | undefined;
afterEach(() => {
  dir?.remove();
  dir = undefined;
});

function dbConfig(url?: string): Config['db'] {
  dir = createTempDir();
  const dbPath = path.join(dir.path, 'data', 'dialstate.db');
  return loadConfig({ DIALSTATE_DB_PATH: dbPath, DIALSTATE_DATABASE_URL: url }).db;
}

describe('who owns the database during `dialstate import`', () => {
  it('takes the free server lock and merges in big transactions, and a server cannot start meanwhile', () => {
    const db = dbConfig();
    const owner = ownDatabaseForImport(db);
    try {
      expect(owner.owned).toBe(true);
      expect(owner.mergePace).toBe(OWNED_MERGE_PACE);
      expect(OWNED_MERGE_PACE.sliceMs).toBeGreaterThanOrEqual(1_000);
      // What `dialstate serve` (and a restore, or a second import's owner) runs into.
      expect(() => acquireServerLock(db.path)).toThrow(ServerLockHeldError);
      const second = ownDatabaseForImport(db);
      expect(second.owned).toBe(false);
      second.release();
    } finally {
      owner.release();
    }
    // Let go once the import ends: the server starts.
    acquireServerLock(db.path).release();
  });

  it("merges in the server's slices while a server holds the lock, and leaves the lock to it", () => {
    const db = dbConfig();
    const owner = ownDatabaseForImport(db);
    owner.release();
    const server = acquireServerLock(db.path);
    try {
      const shared = ownDatabaseForImport(db);
      expect(shared.owned).toBe(false);
      // No pace given: the merge's defaults, MERGE_SLICE_MS transactions.
      expect(shared.mergePace).toEqual({});
      shared.release();
      expect(() => acquireServerLock(db.path)).toThrow(ServerLockHeldError);
    } finally {
      server.release();
    }
  });

  it('takes no lock on PostgreSQL, where servers share the database', () => {
    const db = dbConfig('postgres://dialstate@localhost/none');
    const owner = ownDatabaseForImport(db);
    expect(owner).toMatchObject({ owned: false, mergePace: {} });
    owner.release();
    expect(existsSync(serverLockPath(db.path))).toBe(false);
  });
});
