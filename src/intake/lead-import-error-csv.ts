import { stringify } from 'csv-stringify/sync';
import { ERROR_CSV_COLUMNS, planLeadColumns } from './lead-columns.js';
import type { LeadImportIssue } from './lead-import.js';

interface RejectedRow {
  rowNumber: number;
  fields: string[];
  reasons: string[];
}

/**
 * Writes the rejected rows of an import back as CSV: the file's own header and fields,
 * then `import_row` (its row number) and `import_error` (every reason it was rejected
 * for), then the fields a row had beyond the header's columns, if any, so that nothing
 * of a row is lost. The importer ignores `import_row` and `import_error`, so an
 * operator can fix the rows in the error CSV and import it as it is.
 *
 * `pages` are the import's issues in row order, a page at a time; a row's reasons may
 * span two pages. Yields the CSV text in pieces, the header line first.
 *
 * Cells that a spreadsheet would run as a formula get a leading `'` (see
 * `escapeFormula`): rejected rows are the likeliest to hold someone's `=HYPERLINK(…)`.
 */
export async function* errorCsvChunks(
  header: readonly string[],
  pages: AsyncIterable<readonly LeadImportIssue[]>,
): AsyncGenerator<string> {
  const phoneColumn = phoneColumnOf(header);
  const escaped = (cells: string[]) =>
    cells.map((cell, i) => (i === phoneColumn ? escapePhoneCell(cell) : escapeFormula(cell)));
  yield stringify([escaped([...header, ...ERROR_CSV_COLUMNS])]);
  let pending: RejectedRow | null = null;
  const line = (row: RejectedRow) => {
    // Rows may be short (missing fields) or long; the header decides the columns.
    const fields = Array.from({ length: header.length }, (_, i) => row.fields[i] ?? '');
    const extra = row.fields.slice(header.length);
    return stringify([
      escaped([...fields, String(row.rowNumber), row.reasons.join('; '), ...extra]),
    ]);
  };
  for await (const page of pages) {
    let chunk = '';
    for (const issue of page) {
      if (issue.severity !== 'error' || issue.rowNumber === 0) continue;
      const reason = issue.field === null ? issue.reason : `${issue.field}: ${issue.reason}`;
      const current: RejectedRow | null = pending;
      if (current !== null && current.rowNumber === issue.rowNumber) {
        current.reasons.push(reason);
        continue;
      }
      if (current !== null) chunk += line(current);
      pending = { rowNumber: issue.rowNumber, fields: fieldsOf(issue.raw), reasons: [reason] };
    }
    if (chunk !== '') yield chunk;
  }
  const last: RejectedRow | null = pending;
  if (last !== null) yield line(last);
}

function fieldsOf(raw: string | null): string[] {
  if (raw === null) return [];
  try {
    const fields: unknown = JSON.parse(raw);
    return Array.isArray(fields) ? fields.map((field) => String(field)) : [];
  } catch {
    return [];
  }
}

/**
 * The characters that make a spreadsheet read a cell as a formula (OWASP, "CSV
 * Injection"), with the full-width forms some of them also take: the set csv-stringify's
 * `escape_formulas` uses for the exports.
 */
const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;
/** What a written phone number is made of: it computes nothing and calls nothing. */
const PHONE_TEXT = /^[+\-\d\s()./]*$/;

/** `cell` with a leading `'` when a spreadsheet would run it as a formula. */
function escapeFormula(cell: string): string {
  return FORMULA_START.test(cell) ? `'${cell}` : cell;
}

/**
 * A phone cell is escaped only when it holds more than a phone number's characters. The
 * operator imports this file again once fixed, and most rejected numbers are fine but
 * for a typo: `+44 20 7946 0958` escaped to `'+44 …` would come back as a number the
 * importer no longer reads. Digits, spaces, `+ - ( ) . /` can make at worst a sum, never
 * a function call, so they stay as they are; `=…`, `@…` or `+1+cmd|…` are escaped.
 */
function escapePhoneCell(cell: string): string {
  return PHONE_TEXT.test(cell) ? cell : escapeFormula(cell);
}

/** The index of the header's phone column; -1 when it has none (no row is kept then). */
function phoneColumnOf(header: readonly string[]): number {
  const plan = planLeadColumns(header);
  if (!plan.ok) return -1;
  return plan.columns.findIndex((column) => column.kind === 'field' && column.field === 'phone');
}
