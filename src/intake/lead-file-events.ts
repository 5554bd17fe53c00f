import type { CsvDelimiter } from './csv-dialect.js';

/*
 * What reading a lead file (CSV or workbook) yields and the bounds it is read within: the
 * contract between the readers (csv-reader.ts, csv-source.ts, xlsx-reader.ts) and the
 * import, kept apart so that the readers' parts need not import each other.
 */

/** Bounds on an uploaded file; going past one fails the whole file with a clear reason. */
export interface CsvLimits {
  /** Bytes of the whole file. */
  maxBytes: number;
  /** Data rows, the header not counted. */
  maxRows: number;
  maxColumns: number;
  /** Characters of one field; a longer field rejects its row. */
  maxFieldLength: number;
}

export const DEFAULT_CSV_LIMITS: CsvLimits = Object.freeze({
  maxBytes: 512 * 1024 * 1024,
  maxRows: 2_000_000,
  maxColumns: 200,
  maxFieldLength: 4096,
});

/** One data row: its 1-based number (the header not counted, blank rows counted) and fields. */
export interface CsvRow {
  rowNumber: number;
  fields: string[];
}

/** What reading a lead file (CSV or workbook) yields, in order: its header, then batches of rows. */
export type CsvEvent =
  /** `delimiter` is null for a workbook (src/intake/xlsx-reader.ts), which has none. */
  | { kind: 'header'; fields: string[]; delimiter: CsvDelimiter | null }
  | { kind: 'rows'; rows: CsvRow[]; bytesRead: number }
  /** The file cannot be read (any further): nothing of it should be kept. Always last. */
  | { kind: 'invalid'; reason: string; bytesRead: number };
