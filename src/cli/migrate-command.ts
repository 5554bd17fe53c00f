import { existsSync } from 'node:fs';
import type { Config } from '../config.js';
import { acquireServerLock, ServerLockHeldError } from '../store/database-file/server-lock.js';
import { openMigratedStore } from '../store/open-migrated-store.js';
import {
  type CopyProgress,
  copySqliteToPostgres,
  TargetNotEmptyError,
} from '../store/postgres/copy-from-sqlite.js';
import { migratePostgresToLatest } from '../store/postgres/migrate-postgres.js';
import { isPostgresUrl, maskDatabaseUrl, openPostgres } from '../store/postgres/open-postgres.js';
import { verifyCopy } from '../store/postgres/verify-copy.js';
import { migrateDatabase } from '../wiring/database.js';
import { formatEnUsNumber } from './en-us-number.js';

/** `dialstate migrate`: applies pending migrations and says which. */
export async function migrateCommand(
  config: Config,
  options: { to?: string } = {},
): Promise<number> {
  if (options.to !== undefined) return migrateToPostgres(config, options.to);
  const { location, applied } = await migrateDatabase(config.db);
  console.log(
    applied.length === 0
      ? `${location}: schema already up to date`
      : `${location}: applied ${applied.join(', ')}`,
  );
  return 0;
}

/** Least time between two progress lines of one table (ms). */
const PROGRESS_EVERY_MS = 2000;

const count = formatEnUsNumber;

/** `message` with every occurrence of the URL's password masked, whatever said it. */
function withoutPassword(message: string, url: string): string {
  let password = '';
  try {
    password = decodeURIComponent(new URL(url).password);
  } catch {
    // A URL that does not parse has no password we could find; maskDatabaseUrl shows none.
  }
  return password === '' ? message : message.split(password).join('***');
}

/**
 * `dialstate migrate --to postgres://…`: copies the SQLite database into an empty
 * PostgreSQL database (migrated here first), then checks the copy: row counts per table,
 * the counters, and 100 ended attempts replayed from PostgreSQL. Holds the server lock
 * throughout, so no server writes to the SQLite file during the copy.
 */
async function migrateToPostgres(config: Config, url: string): Promise<number> {
  const display = maskDatabaseUrl(url);
  if (!isPostgresUrl(url)) {
    console.error(`migrate --to needs a postgres:// or postgresql:// URL, not ${display}`);
    return 2;
  }
  const path = config.db.path;
  if (!existsSync(path)) {
    console.error(`no SQLite database at ${path} to copy (--db PATH names it)`);
    return 1;
  }
  let lock: ReturnType<typeof acquireServerLock>;
  try {
    lock = acquireServerLock(path);
  } catch (error) {
    if (!(error instanceof ServerLockHeldError)) throw error;
    console.error(`${error.message} (systemctl stop dialstate)`);
    return 1;
  }
  const target = openPostgres({ url, maxConnections: 2, applicationName: 'dialstate-migrate' });
  let source: Awaited<ReturnType<typeof openMigratedStore>>['store'] | undefined;
  try {
    source = (await openMigratedStore(config.db)).store;
    await migratePostgresToLatest(target.db);
    console.log(`copying ${path} into ${display}`);
    const began = performance.now();
    let shownAt = 0;
    await copySqliteToPostgres({
      source: source.db,
      target: target.db,
      onProgress(progress: CopyProgress) {
        // Each table once it is done, and a long one every few seconds on the way.
        const now = performance.now();
        if (progress.copied < progress.total && now - shownAt < PROGRESS_EVERY_MS) return;
        if (progress.copied === 0 && progress.total > 0) return;
        shownAt = now;
        console.log(
          `  ${progress.table}: ${count(progress.copied)} / ${count(progress.total)} rows`,
        );
      },
    });
    console.log(`copied in ${((performance.now() - began) / 1000).toFixed(1)} s; verifying`);
    const verified = await verifyCopy({ source: source.db, target: target.db });
    for (const table of verified.tables) {
      if (table.source !== table.target) {
        console.error(
          `  ${table.table}: ${count(table.source)} rows in SQLite, ${count(table.target)} in PostgreSQL`,
        );
      }
    }
    for (const table of verified.counters) console.error(`  ${table}: the counters differ`);
    for (const failure of verified.replayFailures) {
      console.error(`  attempt ${failure.attemptId}: ${failure.reason}`);
    }
    if (!verified.ok) {
      console.error('migrate --to: the copy does not match its source (see above)');
      return 1;
    }
    const rows = verified.tables.reduce((sum, table) => sum + table.source, 0);
    console.log(
      `verified: ${count(rows)} rows in ${verified.tables.length} tables, counters equal, ` +
        `${verified.replayed} ended attempts replayed from PostgreSQL`,
    );
    console.log(`set DIALSTATE_DATABASE_URL to ${display} to run on it`);
    return 0;
  } catch (error) {
    if (error instanceof TargetNotEmptyError) {
      console.error(`migrate --to ${display}: ${error.message}`);
      return 1;
    }
    const message = error instanceof Error ? error.message : String(error);
    console.error(`migrate --to ${display} failed: ${withoutPassword(message, url)}`);
    return 1;
  } finally {
    await target.close();
    await source?.close();
    lock.release();
  }
}
