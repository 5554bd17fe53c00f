import { describe, expect, it } from 'vitest';
import { createProgressBar, formatProgress } from '../../src/cli/progress-bar.js';
import type { LeadImportProgress } from '../../src/intake/import-leads.js';
import { NO_LEAD_IMPORT_COUNTS } from '../../src/intake/lead-import.js';

function progress(overrides: Partial<LeadImportProgress> = {}): LeadImportProgress {
  return {
    importId: 'import-1',
    phase: 'reading',
    bytesRead: 421,
    bytesTotal: 1000,
    percent: 42.1,
    rowsPerSecond: 86_004.4,
    elapsedMs: 5_000,
    counts: { ...NO_LEAD_IMPORT_COUNTS, totalRows: 420_352 },
    ...overrides,
  };
}

describe('import progress bar', () => {
  it('shows the share read, the rows and the rate', () => {
    expect(formatProgress(progress())).toBe(
      '[##########··············]  42.1%  420,352 rows  86,004 rows/s',
    );
    expect(formatProgress(progress({ percent: null }))).toBe('420,352 rows  86,004 rows/s');
    expect(formatProgress(progress({ phase: 'merging' }))).toBe(
      'merging 420,352 rows into the campaign…',
    );
  });

  it('redraws in place on a terminal and stays silent elsewhere', () => {
    const written: string[] = [];
    const terminal = createProgressBar({
      isTTY: true,
      columns: 80,
      write: (text) => written.push(text),
    });
    terminal.update(progress());
    terminal.update(progress({ percent: 50 }));
    terminal.update(progress({ phase: 'merging' }));
    terminal.done();
    // The second reading update came too soon after the first to be drawn.
    expect(written).toEqual([
      '\r\x1b[2K[##########··············]  42.1%  420,352 rows  86,004 rows/s',
      '\r\x1b[2Kmerging 420,352 rows into the campaign…',
      '\r\x1b[2K',
    ]);

    const piped: string[] = [];
    const pipe = createProgressBar({ write: (text) => piped.push(text) });
    pipe.update(progress());
    pipe.done();
    expect(piped).toEqual([]);
  });
});
