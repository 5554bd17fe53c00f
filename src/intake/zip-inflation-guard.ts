import { Unzip, UnzipInflate } from 'fflate';

/** A ZIP archive inflates past the allowed size: a zip bomb, or simply too much. */
export class ZipTooLargeError extends Error {
  constructor(
    readonly maxBytes: number,
    message = `it unpacks to more than ${Math.round(maxBytes / 1024 / 1024)} MiB`,
  ) {
    super(message);
    this.name = 'ZipTooLargeError';
  }
}

/** The bytes are not a ZIP archive that can be read as it streams. */
export class ZipUnreadableError extends Error {
  constructor(message: string, options?: { cause: unknown }) {
    super(message, options);
    this.name = 'ZipUnreadableError';
  }
}

/** Largest piece inflated at once: deflate packs up to ~1,000:1, so at most ~16 MB at a time. */
const PIECE = 16 * 1024;

/**
 * Passes a ZIP archive's bytes through unchanged while inflating every entry on the side
 * to count what they unpack to, and stops the stream — before the next bytes reach
 * whatever unpacks it for real — once the total passes `maxInflatedBytes`. The sizes an
 * archive declares are not trusted (a zip bomb lies): the bytes are counted as they
 * inflate, and dropped at once.
 *
 * @throws ZipTooLargeError past the limit, ZipUnreadableError for bytes that are not a
 * ZIP archive (or use a compression other than deflate or none).
 */
export async function* guardZipInflation(
  source: AsyncIterable<Uint8Array | string>,
  maxInflatedBytes: number,
): AsyncGenerator<Uint8Array> {
  let inflated = 0;
  let failure: Error | null = null;
  const unzip = new Unzip((file) => {
    if (file.compression !== 0 && file.compression !== UnzipInflate.compression) {
      failure = new ZipUnreadableError(
        `${file.name} is compressed with method ${file.compression}, not deflate`,
      );
      return;
    }
    file.ondata = (error, chunk) => {
      if (error) failure ??= new ZipUnreadableError(error.message, { cause: error });
      inflated += chunk?.length ?? 0;
      if (inflated > maxInflatedBytes) failure ??= new ZipTooLargeError(maxInflatedBytes);
    };
    file.start();
  });
  unzip.register(UnzipInflate);
  const push = (bytes: Uint8Array, final: boolean) => {
    try {
      unzip.push(bytes, final);
    } catch (error) {
      failure ??= new ZipUnreadableError((error as Error).message, { cause: error });
    }
    if (failure) throw failure;
  };
  for await (const chunk of source) {
    const bytes = typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk;
    for (let at = 0; at < bytes.length; at += PIECE) push(bytes.subarray(at, at + PIECE), false);
    yield bytes;
  }
  push(new Uint8Array(0), true);
}
