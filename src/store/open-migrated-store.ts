import { migrateToLatest } from './migrate.js';
import { explainDatabaseFailure } from './sqlite/database-access-error.js';
import { type OpenDatabaseOptions, openDatabase, type Store } from './sqlite/db.js';

/**
 * Opens the database and brings its schema up to date; returns the names of the
 * migrations applied. Closes the database again when a migration fails.
 *
 * @throws DatabaseAccessError when the file or its folder cannot be created or written.
 */
export async function openMigratedStore(
  options: OpenDatabaseOptions,
): Promise<{ store: Store; applied: string[] }> {
  const store = openDatabase(options);
  try {
    const applied = await migrateToLatest(store.db);
    return { store, applied };
  } catch (error) {
    await store.close();
    // A file that opens read-only fails at the first write, here.
    throw explainDatabaseFailure(options.path, error);
  }
}
