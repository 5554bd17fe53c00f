/** A multipart body that does not follow RFC 7578; the message says where it broke. */
export class MultipartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MultipartError';
  }
}

/** One part of a `multipart/form-data` body, its content not read yet. */
export interface MultipartPart {
  /** The form field's name. */
  name: string;
  /** The file's name when the part is a file, else null. */
  fileName: string | null;
  /** The part's own content type (lower case, without parameters), or null. */
  contentType: string | null;
}

/** Bytes of one part's headers at most: a browser writes a few hundred. */
const MAX_HEADER_BYTES = 16 * 1024;
const CRLF = Buffer.from('\r\n');
const HEADERS_END = Buffer.from('\r\n\r\n');

/** The `boundary` parameter of a `multipart/form-data` content type, or null. */
export function multipartBoundary(contentType: string): string | null {
  const match = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;]{1,70}))/i.exec(contentType);
  return match?.[1] ?? match?.[2] ?? null;
}

/**
 * Reads a `multipart/form-data` body as it streams in, part by part, without holding a
 * file part whole: a CSV of hundreds of megabytes goes through in pieces. Call `next()`
 * for the next part's headers, then `content()` for its bytes (or `text()` for a small
 * field); a part's content left unread is skipped. Throws `MultipartError` for a body
 * that breaks the format or ends early.
 */
export function createMultipartReader(body: ReadableStream<Uint8Array>, boundary: string) {
  const reader = body.getReader();
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  let buffer = Buffer.alloc(0);
  let ended = false;
  /** Whether the opening boundary has been read. */
  let started = false;
  let finished = false;
  /** Whether the current part's content is still to be read up to its delimiter. */
  let inContent = false;

  async function more(): Promise<boolean> {
    if (ended) return false;
    const { done, value } = await reader.read();
    if (done) {
      ended = true;
      return false;
    }
    buffer = buffer.length === 0 ? Buffer.from(value) : Buffer.concat([buffer, value]);
    return true;
  }

  async function find(needle: Buffer, limit: number, what: string): Promise<number> {
    for (;;) {
      const at = buffer.indexOf(needle);
      if (at >= 0) return at;
      if (buffer.length > limit) throw new MultipartError(`${what} is too long`);
      if (!(await more())) throw new MultipartError(`the body ends inside ${what}`);
    }
  }

  /** After a delimiter: `--` ends the body, anything else must be the line's end. */
  async function afterDelimiter(): Promise<void> {
    while (buffer.length < 2 && (await more())) {}
    if (buffer.subarray(0, 2).toString() === '--') {
      finished = true;
      await reader.cancel().catch(() => undefined);
      return;
    }
    const lineEnd = await find(CRLF, 1024, 'a boundary line');
    // RFC 2046 allows spaces and tabs after a boundary, nothing else.
    if (!/^[ \t]*$/.test(buffer.subarray(0, lineEnd).toString('latin1'))) {
      throw new MultipartError('a boundary line has text after the boundary');
    }
    buffer = buffer.subarray(lineEnd + CRLF.length);
  }

  async function* content(): AsyncGenerator<Uint8Array> {
    if (!inContent) return;
    for (;;) {
      const at = buffer.indexOf(delimiter);
      if (at >= 0) {
        const piece = buffer.subarray(0, at);
        buffer = buffer.subarray(at + delimiter.length);
        inContent = false;
        if (piece.length > 0) yield piece;
        await afterDelimiter();
        return;
      }
      // Keep what could be the start of a delimiter split across two chunks.
      const safe = buffer.length - (delimiter.length - 1);
      if (safe > 0) {
        const piece = buffer.subarray(0, safe);
        buffer = buffer.subarray(safe);
        yield piece;
      }
      if (!(await more())) throw new MultipartError('the body ends inside a part');
    }
  }

  return {
    async next(): Promise<MultipartPart | null> {
      if (inContent) for await (const _ of content());
      if (finished) return null;
      if (!started) {
        // The first boundary may open the body without the CRLF before it.
        const opening = Buffer.from(`--${boundary}`);
        const at = await find(opening, MAX_HEADER_BYTES, 'the preamble');
        buffer = buffer.subarray(at + opening.length);
        started = true;
        await afterDelimiter();
        if (finished) return null;
      }
      const end = await find(HEADERS_END, MAX_HEADER_BYTES, "a part's headers");
      const headers = parseHeaders(buffer.subarray(0, end).toString('utf8'));
      buffer = buffer.subarray(end + HEADERS_END.length);
      inContent = true;
      return headers;
    },
    content,
    /** The current part's content as UTF-8 text, refused past `maxBytes`. */
    async text(maxBytes: number): Promise<string> {
      const pieces: Uint8Array[] = [];
      let size = 0;
      for await (const piece of content()) {
        size += piece.length;
        if (size > maxBytes) throw new MultipartError(`a form field is over ${maxBytes} bytes`);
        pieces.push(piece);
      }
      return Buffer.concat(pieces).toString('utf8');
    },
    /** Stops reading the body. */
    async cancel(): Promise<void> {
      await reader.cancel().catch(() => undefined);
    },
  };
}

function parseHeaders(block: string): MultipartPart {
  let disposition: string | null = null;
  let contentType: string | null = null;
  for (const line of block.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'content-disposition') disposition = value;
    if (name === 'content-type') contentType = value.split(';')[0]?.trim().toLowerCase() || null;
  }
  if (disposition === null || !/^form-data\b/i.test(disposition)) {
    throw new MultipartError('a part has no Content-Disposition: form-data header');
  }
  const name = parameter(disposition, 'name');
  if (name === null) throw new MultipartError('a part has no field name');
  return { name, fileName: fileNameOf(disposition), contentType };
}

function fileNameOf(disposition: string): string | null {
  // RFC 5987 `filename*=UTF-8''…` wins over the plain one when both are given.
  const extended = /;\s*filename\*=(?:UTF-8|utf-8)''([^;]+)/.exec(disposition)?.[1];
  if (extended !== undefined) {
    try {
      return decodeURIComponent(extended.trim());
    } catch {
      // Not valid percent-encoding: fall back to the plain name.
    }
  }
  return parameter(disposition, 'filename');
}

function parameter(header: string, name: string): string | null {
  const match = new RegExp(`;\\s*${name}=(?:"((?:[^"\\\\]|\\\\.)*)"|([^;\\s]+))`, 'i').exec(header);
  if (match === null) return null;
  return match[1] !== undefined ? match[1].replace(/\\(.)/g, '$1') : (match[2] ?? null);
}
