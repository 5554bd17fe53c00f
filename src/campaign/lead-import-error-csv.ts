import { stringify } from 'csv-stringify/sync';
import { ERROR_CSV_COLUMNS } from './lead-columns.js';
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
 */
export async function* errorCsvChunks(
  header: readonly string[],
  pages: AsyncIterable<readonly LeadImportIssue[]>,
): AsyncGenerator<string> {
  yield stringify([[...header, ...ERROR_CSV_COLUMNS]]);
  let pending: RejectedRow | null = null;
  const line = (row: RejectedRow) => {
    // Rows may be short (missing fields) or long; the header decides the columns.
    const fields = Array.from({ length: header.length }, (_, i) => row.fields[i] ?? '');
    const extra = row.fields.slice(header.length);
    return stringify([[...fields, String(row.rowNumber), row.reasons.join('; '), ...extra]]);
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
