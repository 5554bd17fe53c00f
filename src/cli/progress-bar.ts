import type { LeadImportProgress } from '../intake/import-leads.js';
import { formatEnUsNumber } from './en-us-number.js';

/** Where the bar is drawn: a terminal (redrawn in place) or anything else (left alone). */
export interface ProgressOutput {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

const BAR_WIDTH = 24;
/** Least time between two redraws (ms): redrawing every batch would cost more than it shows. */
const REDRAW_MS = 100;

const count = (n: number) => formatEnUsNumber(Math.round(n));

/**
 * One line of import progress, e.g.
 * `[##########··············]  42.1%  420,352 rows  86,004 rows/s`, or, while merging,
 * `merging 1,000,000 rows into the campaign…`.
 */
export function formatProgress(progress: LeadImportProgress): string {
  const rows = `${count(progress.counts.totalRows)} rows`;
  if (progress.phase === 'merging') return `merging ${rows} into the campaign…`;
  const rate = `${count(progress.rowsPerSecond)} rows/s`;
  if (progress.percent === null) return `${rows}  ${rate}`;
  const filled = Math.round((progress.percent / 100) * BAR_WIDTH);
  const bar = `[${'#'.repeat(filled)}${'·'.repeat(BAR_WIDTH - filled)}]`;
  return `${bar} ${progress.percent.toFixed(1).padStart(5)}%  ${rows}  ${rate}`;
}

/**
 * A progress bar for `dialstate import`, redrawn in place on a terminal at most ten
 * times a second; on anything else (a pipe, a log file) it stays silent.
 */
export function createProgressBar(output: ProgressOutput) {
  let last = 0;
  let drawn = false;
  return {
    update(progress: LeadImportProgress): void {
      if (!output.isTTY) return;
      const now = Date.now();
      const final = progress.phase !== 'reading';
      if (!final && now - last < REDRAW_MS) return;
      last = now;
      const line = formatProgress(progress).slice(0, Math.max(20, (output.columns ?? 80) - 1));
      output.write(`\r\x1b[2K${line}`);
      drawn = true;
    },
    /** Clears the bar before the summary is printed. */
    done(): void {
      if (drawn) output.write('\r\x1b[2K');
      drawn = false;
    },
  };
}
