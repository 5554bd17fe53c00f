import { type Kysely, type Migration, Migrator } from 'kysely';
import { compareMigrationNames, MigrationError } from '../migrate.js';
import type { Database } from '../schema.js';
import * as initial from './migrations/202612060900_initial.js';
import * as nodeLeases from './migrations/202612061600_node_leases.js';
import * as campaignPbxs from './migrations/202612061610_campaign_pbxs.js';

// Listed in code, like the SQLite migrations (src/store/migrate.ts), so that the same
// list works from the sources and from the compiled dist/. PostgreSQL has its own list:
// its first migration is the SQLite schema as it stood when PostgreSQL came, whole.
const MIGRATIONS: Record<string, Migration> = {
  '202612060900_initial': initial,
  '202612061600_node_leases': nodeLeases,
  '202612061610_campaign_pbxs': campaignPbxs,
};

/** The names of the PostgreSQL migrations this build knows, oldest first. */
export function knownPostgresMigrationNames(): string[] {
  return Object.keys(MIGRATIONS);
}

/**
 * Brings a PostgreSQL database's schema up to date; returns the names of the migrations
 * it applied. Safe on every start, and from several nodes at once: Kysely's migrator
 * holds a row lock while it migrates, and each migration is one transaction.
 *
 * @throws MigrationError when one fails; the database stays at the last one that succeeded.
 */
export async function migratePostgresToLatest(db: Kysely<Database>): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => MIGRATIONS },
    // Not `localeCompare`, Kysely's default: see compareMigrationNames.
    nameComparator: compareMigrationNames,
  });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results.find((result) => result.status === 'Error');
    throw new MigrationError(failed?.migrationName, { cause: error });
  }
  return results.map((result) => result.migrationName);
}
