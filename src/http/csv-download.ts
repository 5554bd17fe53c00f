import { stringify } from 'csv-stringify/sync';
import type { Logger } from 'pino';

/** A cell of an export: text as it is, numbers as numbers, nothing as an empty cell. */
export type CsvCell = string | number | null;

/** Epoch ms as ISO 8601 UTC, for a spreadsheet; an empty cell for none. */
export const isoTime = (ms: number | null): string =>
  ms === null ? '' : new Date(ms).toISOString();

/** Milliseconds as seconds (to the ms), for a spreadsheet; an empty cell for none. */
export const seconds = (ms: number | null): number | null => (ms === null ? null : ms / 1000);

/**
 * A CSV download written as the client reads it, from text `chunks`: an export of a
 * million rows never sits in memory, and the database is free between two chunks.
 */
export function csvDownload(
  fileName: string,
  chunks: AsyncIterable<string>,
  log: Logger,
): Response {
  const iterator = chunks[Symbol.asyncIterator]();
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await iterator.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      } catch (error) {
        log.error({ err: error, fileName }, 'CSV download failed part way');
        controller.error(error);
      }
    },
    async cancel() {
      await iterator.return?.();
    },
  });
  return new Response(body, {
    status: 200,
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${fileName.replace(/[^\w.-]/g, '_')}"`,
      'cache-control': 'no-store',
    },
  });
}

/**
 * An export's CSV text: a UTF-8 BOM (without it Excel reads accented names as Latin-1),
 * the header, then each batch of rows.
 *
 * Cells starting with `=`, `+`, `-`, `@`, a tab or a carriage return (or their
 * full-width forms) get a leading apostrophe, so that a spreadsheet shows them as text
 * instead of running them as formulas: names and custom variables come from whoever
 * filled in the imported file (OWASP, "CSV Injection"). Phone numbers in E.164 start
 * with `+` and are escaped too; number cells are left alone.
 */
export async function* csvRows(
  header: readonly string[],
  batches: AsyncIterable<CsvCell[][]>,
): AsyncGenerator<string> {
  const text = (rows: CsvCell[][]) =>
    stringify(rows, { escape_formulas: true, record_delimiter: 'windows' });
  yield `\uFEFF${text([[...header]])}`;
  for await (const rows of batches) if (rows.length > 0) yield text(rows);
}
