import type { Config } from '../config.js';
import { openMigratedStore } from '../store/open-migrated-store.js';

/** `dialstate migrate`: applies pending migrations and says which. */
export async function migrateCommand(config: Config): Promise<number> {
  const { store, applied } = await openMigratedStore(config.db);
  await store.close();
  console.log(
    applied.length === 0
      ? `${config.db.path}: schema already up to date`
      : `${config.db.path}: applied ${applied.join(', ')}`,
  );
  return 0;
}
