import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MultipartError, readMultipart } from '../../src/http/multipart-reader.js';

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
async function encode(form: FormData): Promise<{ bytes: Uint8Array; contentType: string }> {
  const request = new Request('http://localhost/', { method: 'POST', body: form });
  const contentType = request.headers.get('content-type') ?? '';
  return { bytes: new Uint8Array(await request.arrayBuffer()), contentType };
}

const formOf = (boundary: string) => `multipart/form-data; boundary=${boundary}`;

interface ReadPart {
  name: string;
  fileName: string | null;
  contentType: string | null;
  content: Uint8Array;
}

async function readAll(
  body: ReadableStream<Uint8Array>,
  contentType: string,
  maxFieldBytes = 1024,
): Promise<ReadPart[]> {
  const parts: ReadPart[] = [];
  for await (const part of readMultipart(body, contentType, { maxFieldBytes }).parts) {
    if (part.kind === 'field') {
      parts.push({ name: part.name, fileName: null, contentType: null, content: text(part.value) });
      continue;
    }
    const pieces: Uint8Array[] = [];
    for await (const piece of part.content) pieces.push(piece);
    const { name, fileName, contentType: type } = part;
    parts.push({ name, fileName, contentType: type, content: Buffer.concat(pieces) });
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
          const { bytes, contentType } = await encode(form);
          const parts = await readAll(chunked(bytes, sizes), contentType);
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
    const [part] = await readAll(chunked(body(content), [3, 7]), formOf(boundary));
    // Only the CRLF before the closing boundary belongs to the framing.
    expect(new TextDecoder().decode(part?.content)).toBe(content);
  });

  it('skips a preamble, parts left unread and the epilogue; reads RFC 5987 file names', async () => {
    const body = text(
      'This is a preamble.\r\n--xyz\r\nContent-Disposition: form-data; name="skipped"; filename="a.txt"\r\n\r\nnot read\r\n--xyz\r\nContent-Disposition: form-data; name="a"\r\n\r\nfirst\r\n--xyz\r\ncontent-disposition: form-data; name="file"; filename="C:\\\\x\\\\b.csv"; filename*=UTF-8\'\'caf%C3%A9.csv\r\ncontent-type: Text/CSV; charset=utf-8\r\n\r\nphone\r\n--xyz--\r\nepilogue',
    );
    const names: string[] = [];
    let file: ReadPart | null = null;
    for await (const part of readMultipart(chunked(body, [5]), formOf('xyz'), {
      maxFieldBytes: 100,
    }).parts) {
      names.push(part.name);
      if (part.kind === 'file' && part.name === 'file') {
        const pieces: Uint8Array[] = [];
        for await (const piece of part.content) pieces.push(piece);
        file = { ...part, content: Buffer.concat(pieces) };
      }
    }
    expect(names).toEqual(['skipped', 'a', 'file']);
    expect(file).toMatchObject({ fileName: 'café.csv', contentType: 'text/csv' });
    expect(new TextDecoder().decode(file?.content)).toBe('phone');
  });

  it('refuses a body that ends early, a part without a name, and an oversized field', async () => {
    const form = formOf('xyz');
    const cut = text(
      '--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\nphone,na',
    );
    await expect(readAll(chunked(cut, [4]), form)).rejects.toThrow(/the body ends/);
    const unnamed = text('--xyz\r\nContent-Disposition: form-data\r\n\r\nx\r\n--xyz--');
    await expect(readAll(chunked(unnamed, [64]), form)).rejects.toThrow(/field name/);
    const none = text('no boundary anywhere');
    await expect(readAll(chunked(none, [64]), form)).rejects.toThrow(
      /ends before its closing boundary/,
    );
    const long = text(
      `--xyz\r\nContent-Disposition: form-data; name="mode"\r\n\r\n${'x'.repeat(2000)}\r\n--xyz--`,
    );
    await expect(readAll(chunked(long, [64]), form, 1024)).rejects.toThrow(
      /"mode" is over 1024 bytes/,
    );
    expect(() =>
      readMultipart(chunked(long, [64]), 'multipart/form-data', { maxFieldBytes: 1 }),
    ).toThrow(MultipartError);
  });

  it('holds a file part back until it is read: the body is pulled as the caller goes', async () => {
    const file = new Uint8Array(4 * 1024 * 1024).fill(65);
    const form = new FormData();
    form.append('file', new File([file], 'big.csv', { type: 'text/csv' }));
    const { bytes, contentType } = await encode(form);
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled >= bytes.length) return controller.close();
        controller.enqueue(bytes.slice(pulled, pulled + 16 * 1024));
        pulled += 16 * 1024;
      },
    });
    const reader = readMultipart(body, contentType, { maxFieldBytes: 1024 });
    const first = await reader.parts.next();
    expect(first.value).toMatchObject({ kind: 'file', name: 'file' });
    // Nothing of the file read yet: only what busboy and the streams buffer ahead.
    expect(pulled).toBeLessThan(1024 * 1024);
    await reader.cancel();
  });
});
