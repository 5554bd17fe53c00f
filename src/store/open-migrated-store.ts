import { type OpenDatabaseOptions, openDatabase, type Store } from './db.js';
import { migrateToLatest } from './migrate.js';

/**
 * Opens the database and brings its schema up to date; returns the names of the
 * migrations applied. Closes the database again when a migration fails.
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
    throw error;
  }
}
