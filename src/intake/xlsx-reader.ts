import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { CsvEvent, CsvLimits, CsvRow } from './csv-reader.js';
import { type XlsxCellValue, xlsxCellText } from './xlsx-cell-text.js';
import { guardZipInflation, ZipTooLargeError, ZipUnreadableError } from './zip-inflation-guard.js';

/** Bounds on an uploaded workbook: the CSV ones, plus what its archive may unpack to. */
export interface XlsxLimits extends CsvLimits {
  /** Bytes all the archive's entries unpack to, together: the zip-bomb bound. */
  maxInflatedBytes: number;
}

/**
 * 1 GiB: a sheet of a million rows and a dozen columns unpacks to about 540 MB
 * (docs/BENCHMARKS.md), and Excel holds at most 1,048,576 rows.
 */
export const DEFAULT_MAX_INFLATED_BYTES = 1024 * 1024 * 1024;

/** Rows per `rows` event, as for CSV. */
const BATCH_ROWS = 4096;

interface SheetRow {
  number: number;
  values: XlsxCellValue[];
  getCell(column: number): { numFmt?: string };
}
interface SheetReader extends AsyncIterable<SheetRow> {
  name: string;
}

/**
 * Reads the first worksheet (in tab order) of an Excel `.xlsx` workbook as it streams in,
 * with exceljs's streaming reader, into the same events as `readCsv`: the first row with
 * something in it is the header, each later row a data row numbered from it (blank rows
 * counted, so row N is the sheet's row header + N). Cells become the text the CSV
 * reader would have read (`xlsxCellText`): text keeps its leading zeros, dates are ISO
 * text, formulas give their cached values.
 *
 * The archive is watched as it inflates (`guardZipInflation`): past `maxInflatedBytes`,
 * or `maxBytes` of the file itself, or more rows or columns than allowed, the file ends
 * with an `invalid` event, as does a file that is not a readable workbook.
 */
export async function* readXlsx(
  source: AsyncIterable<Uint8Array | string>,
  limits: XlsxLimits,
): AsyncGenerator<CsvEvent> {
  let bytesRead = 0;
  async function* counted() {
    for await (const chunk of guardZipInflation(source, limits.maxInflatedBytes)) {
      bytesRead += chunk.length;
      if (bytesRead > limits.maxBytes) {
        throw new ZipTooLargeError(
          limits.maxBytes,
          `the file is larger than ${mib(limits.maxBytes)}`,
        );
      }
      yield chunk;
    }
  }
  const input = Readable.from(counted(), { objectMode: false });
  // exceljs pipes the input without listening for its errors: a refusal of the guard
  // would be an uncaught exception, and exceljs would wait for bytes forever. So every
  // step of the reading races the input's failure.
  const inputFailed = new Promise<never>((_, reject) => input.once('error', reject));
  inputFailed.catch(() => undefined);
  const invalid = (reason: string): CsvEvent => ({ kind: 'invalid', reason, bytesRead });
  const workbook = new ExcelJS.stream.xlsx.WorkbookReader(input, {
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    worksheets: 'emit',
    entries: 'ignore',
  });
  const sheetNames = () =>
    ((workbook as unknown as { model?: { sheets?: { name: string }[] } }).model?.sheets ?? []).map(
      (sheet) => sheet.name,
    );

  let header: string[] | null = null;
  let headerRow = 0;
  let rows: CsvRow[] = [];
  try {
    for await (const sheet of racing(
      workbook as unknown as AsyncIterable<SheetReader>,
      inputFailed,
    )) {
      const names = sheetNames();
      // A sheet whose name the workbook did not resolve is taken as the first.
      if (names.length > 0 && names.includes(sheet.name) && sheet.name !== names[0]) continue;
      for await (const row of racing(sheet, inputFailed)) {
        if (row.values.length - 1 > limits.maxColumns) {
          yield invalid(
            `row ${row.number} of the sheet has cells beyond column ${limits.maxColumns}; at most ${limits.maxColumns} columns`,
          );
          return;
        }
        const fields = fieldsOf(row, header?.length ?? 0);
        if (header === null) {
          if (fields.every((field) => field === '')) continue;
          header = fields;
          headerRow = row.number;
          yield { kind: 'header', fields: header, delimiter: null };
          continue;
        }
        const rowNumber = row.number - headerRow;
        if (rowNumber > limits.maxRows) {
          yield invalid(`the sheet has more than ${limits.maxRows} rows; split it`);
          return;
        }
        if (fields.every((field) => field === '')) continue;
        rows.push({ rowNumber, fields });
        if (rows.length === BATCH_ROWS) {
          yield { kind: 'rows', rows, bytesRead };
          rows = [];
        }
      }
      break;
    }
  } catch (error) {
    const reason = failureReason(error);
    if (reason === null) throw error;
    yield invalid(reason);
    return;
  } finally {
    input.destroy();
  }
  if (header === null) {
    yield invalid('the first worksheet is empty: it needs a header row and one row per lead');
    return;
  }
  if (rows.length > 0) yield { kind: 'rows', rows, bytesRead };
}

/** Each value of `source`, or the rejection of `failed` if it comes first. */
async function* racing<T>(source: AsyncIterable<T>, failed: Promise<never>): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  try {
    for (;;) {
      const next = await Promise.race([iterator.next(), failed]);
      if (next.done) return;
      yield next.value;
    }
  } finally {
    // Not awaited: a reader stuck waiting for bytes would never answer.
    void iterator.return?.()?.catch(() => undefined);
  }
}

/** The row's cells as text; cells missing at its end are empty up to `width` (the header's). */
function fieldsOf(row: SheetRow, width: number): string[] {
  const fields: string[] = [];
  // values[0] is always empty: exceljs numbers columns from 1.
  for (let column = 1; column < row.values.length; column++) {
    const value = row.values[column];
    const numFmt = typeof value === 'number' ? row.getCell(column).numFmt : undefined;
    fields.push(xlsxCellText(value, numFmt).trim());
  }
  while (fields.length < width) fields.push('');
  return fields;
}

/** Why the workbook cannot be read, or null for a failure of the source itself (I/O). */
function failureReason(error: unknown): string | null {
  if (error instanceof ZipTooLargeError) return `the workbook is refused: ${error.message}`;
  if (error instanceof ZipUnreadableError) {
    return `the file is not a readable .xlsx workbook (${error.message}); save it again from Excel as "Excel Workbook (.xlsx)" or as CSV`;
  }
  // exceljs and its unzip and XML parsers throw plain errors for a damaged file.
  if (
    error instanceof Error &&
    !('code' in error && typeof error.code === 'string' && error.code.startsWith('E'))
  ) {
    return `the file is not a readable .xlsx workbook (${error.message}); save it again from Excel as "Excel Workbook (.xlsx)" or as CSV`;
  }
  return null;
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
}
