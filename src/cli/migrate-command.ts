import type { Config } from '../config.js';
import { migrateDatabase } from '../wiring/database.js';

/** `dialstate migrate`: applies pending migrations and says which. */
export async function migrateCommand(config: Config): Promise<number> {
  const { location, applied } = await migrateDatabase(config.db);
  console.log(
    applied.length === 0
      ? `${location}: schema already up to date`
      : `${location}: applied ${applied.join(', ')}`,
  );
  return 0;
}
