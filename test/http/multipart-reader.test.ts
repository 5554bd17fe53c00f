import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createMultipartReader,
  MultipartError,
  multipartBoundary,
} from '../../src/http/multipart-reader.js';

/** `bytes` as a stream that hands them out in pieces of the given sizes (cycled). */
function chunked(bytes: Uint8Array, sizes: readonly number[]): ReadableStream<Uint8Array> {
  let at = 0;
  let turn = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) {
        controller.close();
        return;
      }
      const size = Math.max(1, sizes[turn++ % sizes.length] ?? 1);
      controller.enqueue(bytes.slice(at, at + size));
      at += size;
    },
  });
}

/** A form encoded the way fetch (undici) encodes it, with its content type. */
async function encode(form: FormData): Promise<{ bytes: Uint8Array; boundary: string }> {
  const request = new Request('http://localhost/', { method: 'POST', body: form });
  const boundary = multipartBoundary(request.headers.get('content-type') ?? '');
  if (boundary === null) throw new Error('no boundary');
  return { bytes: new Uint8Array(await request.arrayBuffer()), boundary };
}

interface ReadPart {
  name: string;
  fileName: string | null;
  contentType: string | null;
  content: Uint8Array;
}

async function readAll(body: ReadableStream<Uint8Array>, boundary: string): Promise<ReadPart[]> {
  const reader = createMultipartReader(body, boundary);
  const parts: ReadPart[] = [];
  for (let part = await reader.next(); part !== null; part = await reader.next()) {
    const pieces: Uint8Array[] = [];
    for await (const piece of reader.content()) pieces.push(piece);
    parts.push({ ...part, content: Buffer.concat(pieces) });
  }
  return parts;
}

const text = (s: string) => new TextEncoder().encode(s);

describe('reading multipart/form-data as it streams', () => {
  it('reads what fetch encodes, however the bytes are split', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 3000 }),
        fc.string({ maxLength: 40 }),
        fc.array(fc.integer({ min: 1, max: 200 }), { minLength: 1, maxLength: 8 }),
        async (file, field, sizes) => {
          const form = new FormData();
          form.append('mode', field);
          form.append('file', new File([file], 'leads.csv', { type: 'text/csv' }));
          const { bytes, boundary } = await encode(form);
          const parts = await readAll(chunked(bytes, sizes), boundary);
          expect(parts.map((p) => [p.name, p.fileName, p.contentType])).toEqual([
            ['mode', null, null],
            ['file', 'leads.csv', 'text/csv'],
          ]);
          expect(new TextDecoder().decode(parts[0]?.content)).toBe(
            field.replace(/\r?\n|\r/g, '\r\n'),
          );
          expect(Buffer.from(parts[1]?.content ?? []).equals(Buffer.from(file))).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('does not end a part at text that only looks like its boundary', async () => {
    const boundary = 'b0undary';
    const content = `phone\r\n--b0undar\r\n\r\n-b0undary\r\nb0undary--\r\n`;
    const body = (inside: string) =>
      text(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\n${inside}\r\n--${boundary}--\r\n`,
      );
    const [part] = await readAll(chunked(body(content), [3, 7]), boundary);
    // Only the CRLF before the closing boundary belongs to the framing.
    expect(new TextDecoder().decode(part?.content)).toBe(content);
    // A sender must pick a boundary its content does not hold (RFC 2046): one that does
    // is a broken body, not a part cut short.
    await expect(readAll(chunked(body('phone\r\n--b0undaryX\r\n'), [5]), boundary)).rejects.toThrow(
      /text after the boundary/,
    );
  });

  it('skips a preamble, parts left unread and the epilogue; takes spaces after a boundary', async () => {
    const body = text(
      'This is a preamble.\r\n--xyz  \r\nContent-Disposition: form-data; name="a"\r\n\r\nfirst\r\n--xyz\r\ncontent-disposition: form-data; name="file"; filename="C:\\\\x\\\\b.csv"; filename*=UTF-8\'\'caf%C3%A9.csv\r\ncontent-type: Text/CSV; charset=utf-8\r\n\r\nphone\r\n--xyz--\r\nepilogue',
    );
    const reader = createMultipartReader(chunked(body, [5]), 'xyz');
    expect(await reader.next()).toMatchObject({ name: 'a' });
    const file = await reader.next();
    expect(file).toEqual({ name: 'file', fileName: 'café.csv', contentType: 'text/csv' });
    expect(await reader.text(100)).toBe('phone');
    expect(await reader.next()).toBeNull();
  });

  it('refuses a body that ends early, a part without a name, and an oversized field', async () => {
    const cut = text('--xyz\r\nContent-Disposition: form-data; name="file"\r\n\r\nphone,na');
    await expect(readAll(chunked(cut, [4]), 'xyz')).rejects.toThrow(MultipartError);
    const headless = text('--xyz\r\nContent-Type: text/csv\r\n\r\nphone\r\n--xyz--');
    await expect(readAll(chunked(headless, [64]), 'xyz')).rejects.toThrow(/Content-Disposition/);
    const unnamed = text('--xyz\r\nContent-Disposition: form-data\r\n\r\nx\r\n--xyz--');
    await expect(readAll(chunked(unnamed, [64]), 'xyz')).rejects.toThrow(/field name/);
    const none = text('no boundary anywhere');
    await expect(readAll(chunked(none, [64]), 'xyz')).rejects.toThrow(/preamble/);
    const long = text(
      `--xyz\r\nContent-Disposition: form-data; name="mode"\r\n\r\n${'x'.repeat(2000)}\r\n--xyz--`,
    );
    const reader = createMultipartReader(chunked(long, [64]), 'xyz');
    await reader.next();
    await expect(reader.text(1024)).rejects.toThrow(/over 1024 bytes/);
  });

  it('reads the boundary from the content type, quoted or not', () => {
    expect(multipartBoundary('multipart/form-data; boundary=----abc123')).toBe('----abc123');
    expect(multipartBoundary('multipart/form-data; boundary="a b:c"; charset=x')).toBe('a b:c');
    expect(multipartBoundary('multipart/form-data')).toBeNull();
  });
});
