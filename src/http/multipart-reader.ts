import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import busboy from 'busboy';

/** A multipart body that does not follow RFC 7578; the message says where it broke. */
export class MultipartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MultipartError';
  }
}

/** One part of a `multipart/form-data` body: a text field, or a file still streaming in. */
export type MultipartPart =
  | { kind: 'field'; name: string; value: string }
  | {
      kind: 'file';
      name: string;
      fileName: string;
      /** The part's content type, lower case, without parameters (`text/plain` if none). */
      contentType: string;
      /** Its bytes as they arrive; read them before asking for the next part, or they are skipped. */
      content: AsyncIterable<Uint8Array>;
    };

export interface MultipartLimits {
  /** Bytes of a text field at most: fields are held whole, files never. */
  maxFieldBytes: number;
}

/** Busboy's messages, said the way the API's errors are. */
const MESSAGES: Record<string, string> = {
  'Unexpected end of form': 'the body ends before its closing boundary',
  'Unexpected end of file': 'the body ends inside the file',
  'Malformed part header': "a part's headers are malformed",
  'Multipart: Boundary not found': 'the content type has no boundary',
  'Malformed content type': 'the content type cannot be read',
};

function multipartError(error: unknown): MultipartError {
  if (error instanceof MultipartError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new MultipartError(MESSAGES[message] ?? message);
}

/**
 * Reads a `multipart/form-data` body with busboy as it streams in, part by part: a file
 * part is handed over as a stream and never held whole, so a CSV of hundreds of
 * megabytes goes through in pieces, and busboy waits while the caller writes it
 * somewhere. A part is a file when it has a file name (as browsers and `curl -F
 * file=@…` send it); the others are text fields, refused past `maxFieldBytes`. Iterating
 * `parts` throws `MultipartError` for a body that breaks the format or ends early;
 * `cancel()` stops reading the body.
 */
export function readMultipart(
  body: ReadableStream<Uint8Array>,
  contentType: string,
  limits: MultipartLimits,
) {
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: { 'content-type': contentType },
      limits: { fieldSize: limits.maxFieldBytes },
      // File names are sent as UTF-8 by every browser, not as latin1 (busboy's default).
      defParamCharset: 'utf8',
    });
  } catch (error) {
    throw multipartError(error);
  }
  const source = Readable.fromWeb(body as NodeReadableStream<Uint8Array>);
  const queue: MultipartPart[] = [];
  let failure: MultipartError | null = null;
  let ended = false;
  let wake: (() => void) | null = null;
  const signal = () => {
    wake?.();
    wake = null;
  };
  const fail = (error: unknown) => {
    failure ??= multipartError(error);
    source.destroy();
    signal();
  };

  parser.on('field', (name, value, info) => {
    if (!name) return fail(new MultipartError('a part has no field name'));
    if (info.valueTruncated) {
      return fail(
        new MultipartError(`the form field "${name}" is over ${limits.maxFieldBytes} bytes`),
      );
    }
    queue.push({ kind: 'field', name, value });
    signal();
  });
  parser.on('file', (name, stream, info) => {
    // Also heard while nobody reads it (a part being skipped), so it is never unhandled.
    stream.on('error', fail);
    if (!name) {
      stream.resume();
      return fail(new MultipartError('a part has no field name'));
    }
    queue.push({
      kind: 'file',
      name,
      fileName: info.filename,
      contentType: info.mimeType.toLowerCase(),
      content: fileContent(stream),
    });
    signal();
  });
  parser.on('error', fail);
  parser.on('close', () => {
    ended = true;
    signal();
  });
  source.on('error', fail);
  source.pipe(parser);

  async function* fileContent(stream: Readable): AsyncGenerator<Uint8Array> {
    try {
      for await (const piece of stream) yield piece as Buffer;
    } catch (error) {
      throw failure ?? multipartError(error);
    }
  }

  async function* parts(): AsyncGenerator<MultipartPart> {
    for (;;) {
      while (queue.length === 0 && failure === null && !ended) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
      if (failure !== null) throw failure;
      const part = queue.shift();
      if (part === undefined) return;
      yield part;
      // A file the caller did not read is skipped, so that busboy can go on.
      if (part.kind === 'file') for await (const _ of part.content);
    }
  }

  return {
    parts: parts(),
    /** Stops reading the body (after an error, or a file refused part-way). */
    async cancel(): Promise<void> {
      source.destroy();
      parser.destroy();
    },
  };
}
