import type { Parser } from 'csv-parse';
import { unreadableEncoding } from './csv-dialect.js';
import type { CsvEvent, CsvLimits } from './lead-file-events.js';

/** Text gathered before guessing the delimiter: the header line is all it needs. */
const SNIFF_CHARS = 64 * 1024;

/**
 * The source fed into a parser as it comes (csv-parse decodes UTF-8 itself, chunk
 * boundaries and BOM included, so decoding it first would only do the work twice),
 * with its byte count and size limit.
 */
export function sourceReader(source: AsyncIterable<Uint8Array | string>, limits: CsvLimits) {
  const encoder = new TextEncoder();
  const iterator = source[Symbol.asyncIterator]();
  const head: (Uint8Array | string)[] = [];
  let bytes = 0;
  let tooLarge = false;

  function take(chunk: Uint8Array | string): void {
    bytes += typeof chunk === 'string' ? encoder.encode(chunk).byteLength : chunk.byteLength;
    tooLarge = bytes > limits.maxBytes;
  }

  return {
    bytesRead: () => bytes,
    /** The reason a feed stopped early, if it was the size limit. */
    failure: () => (tooLarge ? `the file is larger than ${limits.maxBytes} bytes; split it` : null),

    /** Reads until the header line is in (or the source ends) and returns its text. */
    async start(): Promise<
      { kind: 'text'; text: string } | Extract<CsvEvent, { kind: 'invalid' }>
    > {
      const decoder = new TextDecoder('utf-8');
      let text = '';
      while (text.length < SNIFF_CHARS && !/[\r\n]/.test(text) && !tooLarge) {
        const next = await iterator.next();
        if (next.done) break;
        const chunk = next.value;
        if (head.length === 0 && typeof chunk !== 'string') {
          const problem = unreadableEncoding(chunk);
          if (problem !== null) {
            await iterator.return?.();
            return { kind: 'invalid', reason: problem, bytesRead: chunk.byteLength };
          }
        }
        head.push(chunk);
        take(chunk);
        text += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
      }
      return { kind: 'text', text };
    },

    /** Writes what `start` read and the rest of the source into the parser, minding backpressure. */
    async feed(parser: Parser): Promise<void> {
      try {
        for (const chunk of head) await write(parser, chunk);
        head.length = 0;
        while (!tooLarge && !parser.destroyed) {
          const next = await iterator.next();
          if (next.done) break;
          take(next.value);
          if (!tooLarge) await write(parser, next.value);
        }
        if (tooLarge) throw new Error('file too large');
        parser.end();
      } catch (error) {
        parser.destroy(error instanceof Error ? error : new Error(String(error)));
      } finally {
        if (parser.destroyed) await iterator.return?.();
      }
    },
  };
}

/**
 * The parser's records, as many at a time as it has parsed: reading a stream record by
 * record with `for await` costs a promise per record, a tenth of the parsing itself.
 * Throws the parser's error, if it fails.
 */
export async function* recordsAsParsed(parser: Parser): AsyncGenerator<string[][]> {
  let failure: Error | undefined;
  parser.on('error', (error: Error) => {
    failure = error;
  });
  for (;;) {
    const records: string[][] = [];
    for (let record = parser.read(); record !== null; record = parser.read()) records.push(record);
    if (records.length > 0) yield records;
    // `errored` is set at once; the 'error' event only comes a tick later.
    const error = parser.errored ?? failure;
    if (error) throw error;
    if (parser.readableEnded || parser.destroyed) return;
    await new Promise<void>((resolve) => {
      const wake = () => {
        for (const event of ['readable', 'end', 'error', 'close']) parser.off(event, wake);
        resolve();
      };
      for (const event of ['readable', 'end', 'error', 'close']) parser.on(event, wake);
    });
  }
}

async function write(parser: Parser, chunk: Uint8Array | string): Promise<void> {
  if (parser.destroyed || parser.write(chunk)) return;
  await new Promise<void>((resolve) => {
    const done = () => {
      parser.off('drain', done);
      parser.off('close', done);
      resolve();
    };
    parser.on('drain', done);
    parser.on('close', done);
  });
}
