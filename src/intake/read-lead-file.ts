import { type CsvLimits, type CsvRow, readCsv } from './csv-reader.js';
import { planLeadColumns } from './lead-columns.js';
import { createLeadRowReader } from './lead-csv-rows.js';
import type { CsvEvent } from './lead-file-events.js';
import { createLeadValidator, type LeadIssue, type LeadRules } from './lead-input.js';
import { createSeenPhones, type SeenPhones } from './seen-phones.js';
import type { XlsxLimits } from './xlsx-reader.js';

/** What a lead file is: CSV text, or an Excel `.xlsx` workbook (its first worksheet). */
export type LeadFileFormat = 'csv' | 'xlsx';

/** How to read one lead file: plain data, so that it can be handed to another thread. */
export interface LeadFileReading {
  format: LeadFileFormat;
  /** The workbook's bound on what its archive unpacks to is optional: it has a default. */
  limits: CsvLimits & Partial<Pick<XlsxLimits, 'maxInflatedBytes'>>;
  /** The campaign's rules for numbers, and the field length limit. */
  rules: LeadRules;
}

/**
 * What the tally records of a row before its number is looked up, in row order: a
 * rejected row, a number that came earlier in the file, the warnings of a row kept.
 */
export type RowNote =
  | {
      kind: 'rejected';
      rowNumber: number;
      errors: LeadIssue[];
      warnings: LeadIssue[];
      /** The row's fields as a JSON array, for the error CSV. */
      raw: string;
    }
  | { kind: 'duplicate'; rowNumber: number; phone: string; earlierRow: number }
  | { kind: 'warned'; rowNumber: number; warnings: LeadIssue[] };

/**
 * Values per lead in `CheckedBatch.leads`: row number, phone, name, time zone, caller
 * id, custom variables as JSON text.
 */
export const CHECKED_LEAD_VALUES = 6;

/** One batch of a file's rows, read, validated and deduplicated within the file. */
export interface CheckedBatch {
  /** Of the file so far. */
  bytesRead: number;
  /** Rows in the batch (blank rows are not counted). */
  rows: number;
  notes: RowNote[];
  /**
   * The rows kept, in row order, `CHECKED_LEAD_VALUES` values each, one flat array:
   * passed between threads, a flat array of strings costs a fraction of what as many
   * objects cost to copy.
   */
  leads: (string | number | null)[];
}

/** What reading a lead file yields, in order: its header, then batches of checked rows. */
export type LeadFileEvent =
  /** `problem` says why the header cannot be used (then nothing follows). */
  | { kind: 'header'; fields: string[]; problem: string | null; warnings: string[] }
  | { kind: 'batch'; batch: CheckedBatch }
  /** The file cannot be read (any further): nothing of it should be kept. Always last. */
  | { kind: 'invalid'; reason: string; bytesRead: number };

/**
 * Reads a lead file as it streams in and checks its rows: each row is validated by the
 * campaign's rules (the same validator a lead added by hand goes through), and a number
 * that came earlier in the file is noted as a duplicate. The rows kept are handed on in
 * batches with their custom variables as JSON, ready to be looked up and staged.
 *
 * Pure work on the file's text, no I/O beyond the source: it runs in a thread of its own
 * (`lead-file-worker.ts`), off the event loop that stages the rows.
 *
 * @throws Error when the rules' default region is unknown, or the source fails.
 */
export async function* readLeadFile(
  source: AsyncIterable<Uint8Array | string>,
  reading: LeadFileReading,
): AsyncGenerator<LeadFileEvent> {
  const validate = createLeadValidator(reading.rules);
  const { limits } = reading;
  const events =
    reading.format === 'xlsx' ? await readWorkbook(source, limits) : readCsv(source, limits);
  const seen = createSeenPhones();
  let readRow: ReturnType<typeof createLeadRowReader> | null = null;
  for await (const event of events) {
    if (event.kind === 'invalid') {
      yield event;
      return;
    }
    if (event.kind === 'header') {
      const plan = planLeadColumns(event.fields);
      if (!plan.ok) {
        yield { kind: 'header', fields: event.fields, problem: plan.reason, warnings: [] };
        return;
      }
      yield { kind: 'header', fields: event.fields, problem: null, warnings: plan.warnings };
      readRow = createLeadRowReader(event.fields, plan.columns, validate, limits.maxFieldLength);
      continue;
    }
    if (readRow === null) throw new Error('rows before the header');
    yield { kind: 'batch', batch: checkRows(event.rows, event.bytesRead, readRow, seen) };
  }
}

function checkRows(
  rows: readonly CsvRow[],
  bytesRead: number,
  readRow: ReturnType<typeof createLeadRowReader>,
  seen: SeenPhones,
): CheckedBatch {
  const notes: RowNote[] = [];
  const leads: (string | number | null)[] = [];
  for (const row of rows) {
    const { rowNumber } = row;
    const validation = readRow(row);
    if (!validation.ok) {
      notes.push({
        kind: 'rejected',
        rowNumber,
        errors: validation.errors,
        warnings: validation.warnings,
        raw: JSON.stringify(row.fields),
      });
      continue;
    }
    const { lead } = validation;
    const earlierRow = seen.firstRowOf(lead.phone, rowNumber);
    if (earlierRow !== null) {
      notes.push({ kind: 'duplicate', rowNumber, phone: lead.phone, earlierRow });
      continue;
    }
    if (validation.warnings.length > 0) {
      notes.push({ kind: 'warned', rowNumber, warnings: validation.warnings });
    }
    leads.push(
      rowNumber,
      lead.phone,
      lead.name,
      lead.timezone,
      lead.callerId,
      JSON.stringify(lead.customVars),
    );
  }
  return { bytesRead, rows: rows.length, notes, leads };
}

/**
 * The workbook reader, loaded only for a workbook: exceljs and its dependencies cost
 * tens of MB otherwise.
 */
async function readWorkbook(
  source: AsyncIterable<Uint8Array | string>,
  limits: LeadFileReading['limits'],
): Promise<AsyncIterable<CsvEvent>> {
  const { DEFAULT_MAX_INFLATED_BYTES, readXlsx } = await import('./xlsx-reader.js');
  return readXlsx(source, {
    ...limits,
    maxInflatedBytes: limits.maxInflatedBytes ?? DEFAULT_MAX_INFLATED_BYTES,
  });
}
