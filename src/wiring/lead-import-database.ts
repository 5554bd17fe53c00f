import type { Config } from '../config.js';
import { createLeadImportRepository } from '../store/lead-import/lead-imports.js';
import { createLeadIntakeStore } from '../store/lead-import/lead-intake-store.js';
import { openMigratedStore } from '../store/open-migrated-store.js';
import type { DatabaseParts, SqlitePartsOptions } from './database.js';

/** What `dialstate import` uses of the database: adding leads, and reading the import back. */
export type LeadImportParts = Pick<DatabaseParts, 'location' | 'leadIntake' | 'leadImports'>;

/**
 * Runs `use` over the configured database's import parts and closes it after, whatever
 * happens: the same adapters `withDatabase` builds for these parts, from modules that
 * reach nothing else. `withDatabase`'s module names every SQLite part statically (the
 * journal, and through it the attempt machine and xstate; the dialing store, the purger),
 * and a process pays for each module it loads whether it runs or not: about 2.5 MB of
 * the peak RSS of a two-row import (ADR 041). PostgreSQL goes through `withDatabase`,
 * loaded only then.
 */
export async function withLeadImportDatabase<T>(
  db: Config['db'] & Pick<SqlitePartsOptions, 'importMerge'>,
  use: (parts: LeadImportParts) => Promise<T>,
): Promise<T> {
  if (db.url !== null) {
    const { withDatabase } = await import('./database.js');
    return withDatabase(db, use);
  }
  const { importMerge, ...settings } = db;
  const { store } = await openMigratedStore(settings);
  try {
    return await use({
      location: store.path,
      leadIntake: createLeadIntakeStore(store, importMerge),
      leadImports: createLeadImportRepository(store.db),
    });
  } finally {
    await store.close();
  }
}
