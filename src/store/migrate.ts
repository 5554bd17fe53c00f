import { type Kysely, type Migration, Migrator } from 'kysely';
import * as initial from './migrations/202611241400_initial.js';
import * as leadRecycledAttempts from './migrations/202611241540_lead_recycled_attempts.js';
import * as shippedRecording from './migrations/202611251200_shipped_recording.js';
import * as leadImportProgress from './migrations/202611251400_lead_import_progress.js';
import * as leadListIndexes from './migrations/202611261000_lead_list_indexes.js';
import * as campaignCounters from './migrations/202611271000_campaign_counters.js';
import * as campaignDialString from './migrations/202612061000_campaign_dial_string.js';
import * as dncOptOutSource from './migrations/202612061200_dnc_opt_out_source.js';
import * as leadPhoneZones from './migrations/202612061400_lead_phone_zones.js';
import * as campaignBlackoutsAndCaps from './migrations/202612061410_campaign_blackouts_and_caps.js';
import * as answeredCallTiming from './migrations/202612061420_answered_call_timing.js';
import * as campaignAbandonmentSettings from './migrations/202612061430_campaign_abandonment_settings.js';
import * as backgroundDeleteAndMerge from './migrations/202612061440_background_delete_and_merge.js';
import * as attemptWriteTrim from './migrations/202612061500_attempt_write_trim.js';
import * as nodeLeases from './migrations/202612061600_node_leases.js';
import * as campaignPbxs from './migrations/202612061610_campaign_pbxs.js';
import type { Database } from './schema.js';

// Listed in code rather than read from a folder: the same list works from the TypeScript
// sources (tsx, vitest) and from the compiled dist/, with no path or extension guessing.
const MIGRATIONS: Record<string, Migration> = {
  '202611241400_initial': initial,
  '202611241540_lead_recycled_attempts': leadRecycledAttempts,
  '202611251200_shipped_recording': shippedRecording,
  '202611251400_lead_import_progress': leadImportProgress,
  '202611261000_lead_list_indexes': leadListIndexes,
  '202611271000_campaign_counters': campaignCounters,
  '202612061000_campaign_dial_string': campaignDialString,
  '202612061200_dnc_opt_out_source': dncOptOutSource,
  '202612061400_lead_phone_zones': leadPhoneZones,
  '202612061410_campaign_blackouts_and_caps': campaignBlackoutsAndCaps,
  '202612061420_answered_call_timing': answeredCallTiming,
  '202612061430_campaign_abandonment_settings': campaignAbandonmentSettings,
  '202612061440_background_delete_and_merge': backgroundDeleteAndMerge,
  '202612061500_attempt_write_trim': attemptWriteTrim,
  '202612061600_node_leases': nodeLeases,
  '202612061610_campaign_pbxs': campaignPbxs,
};

/**
 * Kysely's migrator given this build's migrations, ordering migration names by code unit
 * (`compareMigrationNames`).
 */
function migratorOf(db: Kysely<Database>): Migrator {
  return new Migrator({
    db,
    provider: { getMigrations: async () => MIGRATIONS },
    nameComparator: compareMigrationNames,
  });
}

/**
 * The order of two migration names: by UTF-16 code unit, which for names that start with
 * their timestamp is their time order. Kysely's default, `localeCompare`, compares for a
 * locale through ICU, whose collation data costs a small command such as `dialstate
 * import` ~8 MB of peak RSS the first time (ADR 045); Kysely calls it when two applied
 * migrations share a timestamp, as migrations applied within one millisecond do.
 */
export function compareMigrationNames(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/** The names of the migrations this build knows, oldest first. */
export function knownMigrationNames(): string[] {
  return Object.keys(MIGRATIONS);
}

/**
 * Migrates up or down to the named migration. For tests that load data at an older
 * schema and check what a later migration makes of it.
 */
export async function migrateTo(db: Kysely<Database>, name: string): Promise<void> {
  const { error } = await migratorOf(db).migrateTo(name);
  if (error !== undefined) throw new MigrationError(name, { cause: error });
}

/** A migration failed; the database is left at the last migration that succeeded. */
export class MigrationError extends Error {
  constructor(
    readonly migrationName: string | undefined,
    options: { cause: unknown },
  ) {
    super(
      migrationName
        ? `database migration "${migrationName}" failed`
        : 'database migrations could not run',
      options,
    );
    this.name = 'MigrationError';
  }
}

/**
 * Brings the database schema up to date. Safe to call on every start: migrations that
 * already ran are skipped. Returns the names of the migrations it applied.
 * Throws a `MigrationError` when one fails.
 */
export async function migrateToLatest(db: Kysely<Database>): Promise<string[]> {
  const { error, results = [] } = await migratorOf(db).migrateToLatest();
  if (error !== undefined) {
    const failed = results.find((result) => result.status === 'Error');
    throw new MigrationError(failed?.migrationName, { cause: error });
  }
  return results.map((result) => result.migrationName);
}
