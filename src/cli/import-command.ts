import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { systemClock } from '../calls/ports.js';
import type { Config } from '../config.js';
import {
  importLeads,
  type LeadImportReport,
  newImportId,
  READ_IN_PLACE_MAX_BYTES,
} from '../intake/import-leads.js';
import {
  LEAD_IMPORT_MODES,
  type LeadImportIssue,
  type LeadImportMode,
} from '../intake/lead-import.js';
import type { LeadImportRepository } from '../intake/lead-intake-ports.js';
import { withLeadImportDatabase } from '../wiring/lead-import-database.js';
import { formatEnUsNumber } from './en-us-number.js';
import { ownDatabaseForImport } from './import-database-owner.js';
import { releaseOptimizingCompiler } from './optimizing-compiler.js';
import { createProgressBar } from './progress-bar.js';

export interface ImportCommandOptions {
  mode?: string;
  /** Where to write the rejected rows as CSV. */
  errors?: string;
  json: boolean;
}

/** Issues printed under the summary; all are stored with the import. */
const SHOWN_ISSUES = 20;
/** Issues read per page when writing the error CSV. */
const ERROR_PAGE = 5_000;

/**
 * `dialstate import <campaign> <file>`: imports a CSV file of leads (or, named `.xlsx`, the
 * first worksheet of an Excel workbook) with a progress bar,
 * then prints the counts and the first issues, and with `--errors` writes the rejected
 * rows as CSV. Exit code 0 when the import completed (rows may have been rejected),
 * 1 when it failed (nothing was imported), 2 for a usage error.
 */
export async function importCommand(
  config: Config,
  campaignId: string,
  file: string,
  options: ImportCommandOptions,
): Promise<number> {
  const mode = options.mode ?? 'skip_existing';
  if (!(LEAD_IMPORT_MODES as readonly string[]).includes(mode)) {
    console.error(`import: --mode is ${LEAD_IMPORT_MODES.join(' or ')}, not "${mode}"`);
    return 2;
  }
  let size: number;
  let regularFile: boolean;
  try {
    const stats = await stat(file);
    size = stats.size;
    regularFile = stats.isFile();
  } catch (error) {
    console.error(`import: cannot read ${file}: ${(error as Error).message}`);
    return 1;
  }
  const format = /\.xlsx$/i.test(file) ? 'xlsx' : 'csv';
  // Only a CSV file known to be small is imported without V8's optimizing compiler: a
  // pipe's size is unknown, and a workbook's says little of its rows (ADR 045).
  if (!(format === 'csv' && regularFile && size <= READ_IN_PLACE_MAX_BYTES)) {
    releaseOptimizingCompiler();
  }

  // Big merge transactions when no server runs on the file, its slices when one does
  // (ADR 035). A small file's import never starts the checkpoint thread: it is started
  // only once the WAL has grown (ADR 036).
  const owner = ownDatabaseForImport(config.db);
  const importMerge = owner.mergePace;
  return withLeadImportDatabase({ ...config.db, importMerge }, async (database) => {
    const bar = createProgressBar(process.stderr);
    const result = await importLeads(
      { store: database.leadIntake, clock: systemClock, newImportId: () => newImportId() },
      {
        campaignId,
        fileName: basename(file),
        format,
        source: createReadStream(file, { highWaterMark: 256 * 1024 }),
        bytesTotal: size,
        mode: mode as LeadImportMode,
        onProgress: (progress) => bar.update(progress),
      },
    );
    bar.done();
    if (!result.ok) {
      console.error(
        result.reason === 'campaignNotFound'
          ? `import: no campaign "${campaignId}" in ${database.location}`
          : result.reason === 'campaignClosed'
            ? `import: campaign "${campaignId}": ${result.message}`
            : `import: campaign "${campaignId}" cannot read phone numbers: ${result.message}`,
      );
      return 1;
    }
    const { report } = result;
    if (options.errors && report.errorCount > 0)
      await writeErrorCsv(database.leadImports, report.importId, options.errors);
    if (options.json) console.log(JSON.stringify(report, null, 2));
    else printReport(file, campaignId, report, options.errors, owner.owned);
    return report.status === 'completed' ? 0 : 1;
  }).finally(() => owner.release());
}

function printReport(
  file: string,
  campaignId: string,
  report: LeadImportReport,
  errorsPath: string | undefined,
  owned: boolean,
): void {
  const n = formatEnUsNumber;
  const { counts } = report;
  const seconds = report.elapsedMs / 1000;
  if (report.status === 'failed') {
    console.log(`${file}: import into ${campaignId} FAILED, no lead was added — ${report.error}`);
  } else {
    console.log(`${file}: imported into ${campaignId} (import ${report.importId})`);
    console.log(
      `  ${n(counts.totalRows)} rows: ${n(counts.accepted)} new, ${n(counts.updated)} updated, ` +
        `${n(counts.duplicates)} duplicates, ${n(counts.rejected)} rejected, ` +
        `${n(counts.dncBlocked)} on a do-not-call list (stored as dnc)`,
    );
    const rate = seconds > 0 ? `, ${n(counts.totalRows / seconds)} rows/s` : '';
    const merge =
      report.mergeBlockedMs === null
        ? ''
        : owned
          ? `; merged in big transactions (no server on the database), the longest ${n(report.mergeBlockedMs)} ms`
          : `; the merge held the database at most ${n(report.mergeBlockedMs)} ms at a time (a server or another import is using the database)`;
    console.log(`  ${seconds.toFixed(1)} s${rate}${merge}`);
  }
  if (report.issues.length > 0) {
    console.log(
      `  issues: ${n(report.errorCount)} errors, ${n(report.warningCount)} warnings; the first:`,
    );
    for (const issue of report.issues.slice(0, SHOWN_ISSUES))
      console.log(`    ${formatIssue(issue)}`);
  }
  if (report.errorCount > 0 && report.status === 'completed') {
    console.log(
      errorsPath
        ? `  rejected rows written to ${errorsPath} (fix them there and import that file)`
        : '  write the rejected rows to a CSV with --errors <file>',
    );
  }
}

function formatIssue(issue: LeadImportIssue): string {
  const where = issue.rowNumber === 0 ? 'file' : `row ${issue.rowNumber}`;
  const what = [issue.field, issue.value === null ? null : JSON.stringify(issue.value)]
    .filter((part) => part !== null)
    .join(' ');
  return `${where.padEnd(10)} ${issue.severity.padEnd(7)} ${what ? `${what}: ` : ''}${issue.reason}`;
}

async function writeErrorCsv(
  imports: LeadImportRepository,
  importId: string,
  path: string,
): Promise<void> {
  const header = (await imports.get(importId))?.header ?? [];
  async function* pages() {
    let afterRow = 0;
    for (;;) {
      const page = await imports.listIssues(importId, {
        severity: 'error',
        afterRow,
        limit: ERROR_PAGE,
      });
      if (page.length === 0) return;
      yield page;
      afterRow = page.at(-1)?.rowNumber ?? afterRow;
    }
  }
  // Loaded only when there are rejected rows to write: csv-stringify is of no use otherwise.
  const { errorCsvChunks } = await import('../intake/lead-import-error-csv.js');
  const out = createWriteStream(path);
  for await (const chunk of errorCsvChunks(header, pages())) {
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}
