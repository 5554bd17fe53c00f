import type { Config } from '../config.js';
import { openDatabaseParts } from '../wiring/database.js';

/** `dialstate migrate`: applies pending migrations and says which. */
export async function migrateCommand(config: Config): Promise<number> {
  const database = await openDatabaseParts(config.db);
  await database.close();
  const { applied } = database;
  console.log(
    applied.length === 0
      ? `${config.db.path}: schema already up to date`
      : `${config.db.path}: applied ${applied.join(', ')}`,
  );
  return 0;
}
