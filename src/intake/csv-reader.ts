import { CsvError, parse } from 'csv-parse';
import { type CsvDelimiter, delimiterName, detectDelimiter } from './csv-dialect.js';
import { recordsAsParsed, sourceReader } from './csv-source.js';
import {
  type CsvEvent,
  type CsvLimits,
  type CsvRow,
  DEFAULT_CSV_LIMITS,
} from './lead-file-events.js';

export {
  type CsvEvent,
  type CsvLimits,
  type CsvRow,
  DEFAULT_CSV_LIMITS,
} from './lead-file-events.js';

/**
 * Rows per `rows` event: big enough to amortise a transaction, small enough not to stall.
 * Each batch is validated, looked up and staged in one turn of the event loop: 1,024
 * rows keep that turn to about 10 ms on a quiet machine (4,096 took 40–80 ms, the
 * longest stalls of an import once the merge was sliced, ADR 024).
 */
const BATCH_ROWS = 1024;
/** U+FFFD, what the decoder puts where bytes are not UTF-8. */
const REPLACEMENT = '\uFFFD';

/**
 * Reads a CSV file as it streams in, with csv-parse: UTF-8 with or without a BOM, the
 * delimiter guessed from the header (`,`, `;` or tab), quoted fields with delimiters,
 * quotes (`""`) and line breaks inside, spaces around fields trimmed, quotes inside
 * unquoted fields taken literally. Rows whose fields are all empty are skipped but
 * still counted, so row numbers match the spreadsheet's (row N is line N + 1 of a file
 * without line breaks inside fields).
 *
 * A file that cannot be split into rows reliably — UTF-16, a quote never closed, text
 * after a closing quote, a limit passed — ends with an `invalid` event naming the line.
 * Errors of the source itself (I/O) are thrown.
 */
export async function* readCsv(
  source: AsyncIterable<Uint8Array | string>,
  limits: CsvLimits = DEFAULT_CSV_LIMITS,
): AsyncGenerator<CsvEvent> {
  const input = sourceReader(source, limits);
  const start = await input.start();
  if (start.kind === 'invalid') {
    yield start;
    return;
  }
  const delimiter = detectDelimiter(start.text);
  const parser = parse({
    bom: true,
    delimiter,
    relax_quotes: true,
    relax_column_count: true,
    trim: true,
    skip_empty_lines: false,
    // A row this long is a huge cell, or a quote left open swallowing the rest of the file.
    max_record_size: maxRecordSize(limits),
  });
  const feeding = input.feed(parser);

  let header: string[] | null = null;
  let rowNumber = 0;
  let rows: CsvRow[] = [];
  try {
    for await (const records of recordsAsParsed(parser)) {
      for (const record of records) {
        if (header === null) {
          header = record;
          if (header.length > limits.maxColumns) {
            yield invalid(`the header has ${header.length} columns; at most ${limits.maxColumns}`);
            return;
          }
          yield { kind: 'header', fields: header, delimiter };
          continue;
        }
        rowNumber += 1;
        if (rowNumber > limits.maxRows) {
          yield invalid(`the file has more than ${limits.maxRows} rows; split it`);
          return;
        }
        if (record.every((field) => field === '')) continue;
        rows.push({ rowNumber, fields: record });
        if (rows.length === BATCH_ROWS) {
          yield { kind: 'rows', rows, bytesRead: input.bytesRead() };
          rows = [];
        }
      }
    }
  } catch (error) {
    const reason =
      error instanceof CsvError
        ? csvErrorReason(error, delimiter, isInsideQuotes(parser), limits)
        : input.failure();
    if (reason === null) throw error;
    yield invalid(reason);
    return;
  } finally {
    // Stops the source too when the reader is abandoned half way.
    parser.destroy();
    await feeding;
  }
  if (header === null) {
    yield invalid('the file is empty: it needs a header line and one row per lead');
    return;
  }
  if (rows.length > 0) yield { kind: 'rows', rows, bytesRead: input.bytesRead() };

  function invalid(reason: string): CsvEvent {
    return { kind: 'invalid', reason, bytesRead: input.bytesRead() };
  }
}

/**
 * Why a row's fields cannot be taken as they are, or null: a field too long, bytes that
 * are not UTF-8, or more fields (with something in them) than the header has columns.
 */
export function rowShapeProblem(
  fields: readonly string[],
  header: readonly string[],
  maxFieldLength: number,
): string | null {
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i] ?? '';
    if (i >= header.length && field !== '') {
      return `the row has ${fields.length} fields but the header only ${header.length} columns (a delimiter inside an unquoted value?)`;
    }
    if (field.length > maxFieldLength) {
      const name = header[i]?.trim();
      return `${name ? `"${name}"` : `field ${i + 1}`} is longer than ${maxFieldLength} characters`;
    }
    if (field.includes(REPLACEMENT)) {
      return 'the row holds bytes that are not UTF-8 text; save the file as "CSV UTF-8"';
    }
  }
  return null;
}

/** Characters of one row at most, all its cells together. */
function maxRecordSize(limits: CsvLimits): number {
  return Math.max(65_536, limits.maxFieldLength * 4);
}

/**
 * Whether the parser stopped inside a quoted field. csv-parse keeps it in its state; its
 * errors do not say (their `quoting` is about the field before).
 */
function isInsideQuotes(parser: object): boolean {
  return (parser as { state?: { quoting?: unknown } }).state?.quoting === true;
}

function csvErrorReason(
  error: CsvError,
  delimiter: CsvDelimiter,
  insideQuotes: boolean,
  limits: CsvLimits,
): string {
  const { lines, records } = error as CsvError & { lines?: number; records?: number };
  // Records read before the failing one, the header included: its data row number.
  const row = records === undefined ? 'a row' : `row ${records}`;
  const line = lines === undefined ? '' : ` (line ${lines})`;
  switch (error.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return `${row} opens a quoted field that is never closed: the file ends inside quotes`;
    case 'CSV_MAX_RECORD_SIZE':
      // An unquoted field cannot hold a line break: outside quotes, one cell is just huge.
      return insideQuotes
        ? `${row} is far too long${line}: usually a quote that is opened and never closed`
        : `${row}${line} has a cell too large: a cell holds at most ${limits.maxFieldLength} characters, and this row passed ${maxRecordSize(limits)}`;
    case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
      return `${row}${line} has text after the closing quote of a field: a quoted field must end at the ${delimiterName(delimiter)} delimiter`;
    default:
      return `${row}${line} is not valid CSV: ${error.message}`;
  }
}
