import type { Config } from '../config.js';
import { BackupTargetExistsError, backupDatabase } from '../store/database-file/database-backup.js';
import { restoreDatabase } from '../store/database-file/database-restore.js';
import { ServerLockHeldError } from '../store/database-file/server-lock.js';
import { formatEnUsNumber } from './en-us-number.js';

const count = formatEnUsNumber;

/**
 * `dialstate backup <file> [--force]`: a consistent copy of the database while the server
 * runs and calls go on, with its progress on stderr. Exit 0 when the copy is complete and
 * checked, 1 when it failed (nothing is left at `file`), 2 when `file` exists without
 * `--force`.
 */
export async function backupCommand(
  config: Config,
  file: string,
  options: { force: boolean },
): Promise<number> {
  if (config.db.url !== null) return refuseOnPostgres('backup');
  const started = Date.now();
  let lastPercent = -1;
  try {
    const summary = await backupDatabase(config.db.path, file, {
      force: options.force,
      onProgress: ({ totalPages, remainingPages, restarts }) => {
        const percent =
          totalPages === 0 ? 100 : Math.floor((100 * (totalPages - remainingPages)) / totalPages);
        if (percent === lastPercent) return;
        lastPercent = percent;
        const again = restarts > 0 ? ' (started over after a write; copying the rest at once)' : '';
        process.stderr.write(`backup ${percent}% of ${count(totalPages)} pages${again}\n`);
      },
    });
    const { counts } = summary;
    console.log(
      `${config.db.path} backed up to ${file}: ${count(summary.bytes)} bytes in ${((Date.now() - started) / 1000).toFixed(1)} s, ` +
        `${count(counts.campaigns)} campaigns, ${count(counts.leads)} leads, ${count(counts.attempts)} attempts ` +
        `(${count(counts.journalEntries)} journal entries); checked with quick_check`,
    );
    return 0;
  } catch (error) {
    if (error instanceof BackupTargetExistsError) {
      console.error(`backup: ${error.message}`);
      return 2;
    }
    console.error(`backup: ${(error as Error).message}`);
    return 1;
  }
}

/**
 * `dialstate restore <file>`: puts a backup in place of the database, with the server
 * stopped; the database it replaces is kept beside it. Exit 0 on success, 1 when refused
 * (a server running, a damaged or newer backup).
 */
export function restoreCommand(config: Config, file: string): number {
  if (config.db.url !== null) return refuseOnPostgres('restore');
  try {
    const { previous, counts } = restoreDatabase(file, config.db.path);
    console.log(
      `${file} restored to ${config.db.path}: ${count(counts.campaigns)} campaigns, ` +
        `${count(counts.leads)} leads, ${count(counts.attempts)} attempts.` +
        (previous ? `\nThe database it replaced is kept as ${previous}.` : '') +
        '\nStart the server again; calls that were live in the backup are reconciled on start.',
    );
    return 0;
  } catch (error) {
    const hint = error instanceof ServerLockHeldError ? ' (systemctl stop dialstate)' : '';
    console.error(`restore: ${(error as Error).message}${hint}`);
    return 1;
  }
}

/** `backup` and `restore` copy the SQLite file; a PostgreSQL database has its own tools. */
function refuseOnPostgres(command: 'backup' | 'restore'): number {
  console.error(
    `${command}: copies the SQLite database file, and DIALSTATE_DATABASE_URL selects PostgreSQL: ` +
      `use PostgreSQL's ${command === 'backup' ? 'pg_dump' : 'pg_restore'} instead`,
  );
  return 1;
}
