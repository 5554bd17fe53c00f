import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { LeadFileFormat } from '../intake/read-lead-file.js';
import { ApiError } from './api-error.js';
import { MultipartError, readMultipart } from './multipart-reader.js';

/** How a CSV upload is received. */
export interface CsvUploadLimits {
  /** Bytes of the file at most; more is refused with 413. */
  maxBytes: number;
  /** Files up to this size are kept in memory; larger ones are spooled to `spoolDir`. */
  inMemoryBytes: number;
  spoolDir: string;
}

/** A file's bytes as received: in memory, or in a spool file. */
export type ReceivedFile =
  | { kind: 'memory'; bytes: Uint8Array }
  | {
      kind: 'spooled';
      path: string;
      size: number;
      /** Deletes the spool file; safe to call more than once. */
      remove(): Promise<void>;
    };

/** A received lead file (CSV or `.xlsx` workbook) and the form fields sent with it. */
export interface CsvUpload {
  /** The file's own name, without folders; `upload.csv` when none was given. */
  fileName: string;
  /** Known from the file's first bytes: a ZIP archive is a workbook, anything else CSV. */
  format: LeadFileFormat;
  /** Form fields other than the file (multipart only), e.g. `mode`. */
  fields: Record<string, string>;
  file: ReceivedFile;
}

/** Content types a CSV file comes with. Windows with Excel installed calls .csv files `application/vnd.ms-excel`. */
const CSV_TYPES = new Set([
  'text/csv',
  'application/csv',
  'text/plain',
  'text/tab-separated-values',
  'application/vnd.ms-excel',
  'application/octet-stream',
]);
/** The content type of an Excel `.xlsx` workbook. */
export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** How a ZIP archive, and so an `.xlsx` workbook, starts. */
const ZIP_MAGIC = 'PK\u0003\u0004';
/** What an operator may upload by mistake, by the first bytes of the file. */
const NOT_CSV: { magic: string; what: string }[] = [
  { magic: '\u00d0\u00cf\u0011\u00e0', what: 'an Excel 97-2003 .xls workbook' },
  { magic: '%PDF', what: 'a PDF document' },
];
/** Bytes of a form field other than the file at most. */
const MAX_FIELD_BYTES = 1024;

/**
 * Receives a lead file: a `text/csv` or `.xlsx` body (the file name from `?fileName=`),
 * or a `multipart/form-data` form whose `file` part is the file. Its format is read from
 * its first bytes; one declared a workbook (by content type or `.xlsx` name) that is not
 * a ZIP archive is refused. The file streams in: up to
 * `inMemoryBytes` it is kept in memory, past that it is written to a file in
 * `spoolDir`, so a large import can run after the request has been answered.
 *
 * @throws ApiError `unsupportedMediaType` (415) for any other content type or a file that
 * is not CSV (a workbook, a PDF), `payloadTooLarge` (413) past `maxBytes`, `validation`
 * (400) for a broken form or one without a file.
 */
export async function receiveCsvUpload(
  request: Request,
  limits: CsvUploadLimits,
  fileNameParam: string | undefined,
): Promise<CsvUpload> {
  const contentType = request.headers.get('content-type') ?? '';
  const mediaType = mediaTypeOf(contentType);
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  // Multipart framing adds a few hundred bytes around the file.
  if (declared > limits.maxBytes + 64 * 1024) throw tooLarge(limits.maxBytes, declared);
  if (request.body === null)
    throw new ApiError('validation', 'the request has no body: send the CSV file');

  if (mediaType === 'multipart/form-data') return receiveForm(request.body, contentType, limits);
  if (!CSV_TYPES.has(mediaType) && mediaType !== XLSX_TYPE) {
    throw new ApiError(
      'unsupportedMediaType',
      `send the file as text/csv (or ${XLSX_TYPE} for a workbook), or as the "file" field of a multipart/form-data form, not ${mediaType || 'without a content type'}`,
    );
  }
  const fileName = cleanFileName(fileNameParam);
  const received = await receiveFile(request.body, limits, declaresXlsx(mediaType, fileName));
  return { ...received, fileName, fields: {} };
}

/** The media type of a Content-Type header, lower case, without its parameters. */
function mediaTypeOf(contentType: string | null | undefined): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/**
 * Refuses a request body that is neither a CSV file nor a multipart form with a 415,
 * before anything of it is read: a JSON body sent to an import, a PDF's own type.
 *
 * @throws ApiError `unsupportedMediaType`.
 */
export function assertCsvOrForm(contentType: string | null | undefined): void {
  const mediaType = mediaTypeOf(contentType);
  if (mediaType !== 'multipart/form-data' && !CSV_TYPES.has(mediaType)) {
    throw notCsvMediaType(mediaType);
  }
}

function notCsvMediaType(mediaType: string): ApiError {
  return new ApiError(
    'unsupportedMediaType',
    `send the CSV file as text/csv or as the "file" field of a multipart/form-data form, not ${mediaType || 'without a content type'}`,
  );
}

async function receiveForm(
  body: ReadableStream<Uint8Array>,
  contentType: string,
  limits: CsvUploadLimits,
): Promise<CsvUpload> {
  const fields: Record<string, string> = {};
  let upload: Omit<CsvUpload, 'fields'> | null = null;
  let form: ReturnType<typeof readMultipart> | null = null;
  try {
    form = readMultipart(body, contentType, { maxFieldBytes: MAX_FIELD_BYTES });
    for await (const part of form.parts) {
      if (part.kind === 'field') {
        if (part.name === 'file') {
          throw new ApiError(
            'validation',
            'the "file" field is text, not a file: attach the file with its name (curl -F file=@leads.csv)',
          );
        }
        fields[part.name] = part.value;
        continue;
      }
      if (part.name !== 'file') continue;
      if (upload !== null) throw new ApiError('validation', 'send one file per import');
      if (!CSV_TYPES.has(part.contentType) && part.contentType !== XLSX_TYPE) {
        throw new ApiError(
          'unsupportedMediaType',
          `the file is ${part.contentType}; save it as CSV (comma, semicolon or tab separated) or as an Excel .xlsx workbook first`,
        );
      }
      const fileName = cleanFileName(part.fileName);
      const declared = declaresXlsx(part.contentType, fileName);
      upload = { ...(await receiveFile(part.content, limits, declared)), fileName };
    }
  } catch (error) {
    await form?.cancel();
    if (upload?.file.kind === 'spooled') await upload.file.remove();
    if (error instanceof MultipartError) {
      throw new ApiError('validation', `the multipart/form-data body is broken: ${error.message}`);
    }
    throw error;
  }
  if (upload === null) {
    throw new ApiError('validation', 'the form has no "file" field: attach the CSV file as "file"');
  }
  return { ...upload, fields };
}

function declaresXlsx(mediaType: string, fileName: string): boolean {
  return mediaType === XLSX_TYPE || /\.xlsx$/i.test(fileName);
}

/** Reads the file's bytes into memory, or into a spool file once past the in-memory size. */
async function receiveFile(
  source: AsyncIterable<Uint8Array>,
  limits: CsvUploadLimits,
  declaredXlsx: boolean,
): Promise<{ file: ReceivedFile; format: LeadFileFormat }> {
  let format: LeadFileFormat = 'csv';
  const pieces: Uint8Array[] = [];
  let size = 0;
  let spool: { path: string; out: ReturnType<typeof createWriteStream> } | null = null;
  const remove = async () => {
    if (spool === null) return;
    spool.out.destroy();
    await rm(spool.path, { force: true });
  };
  try {
    for await (const piece of source) {
      if (size === 0) format = formatOf(piece, declaredXlsx);
      size += piece.length;
      if (size > limits.maxBytes) throw tooLarge(limits.maxBytes, null);
      if (spool === null && size <= limits.inMemoryBytes) {
        pieces.push(piece);
        continue;
      }
      if (spool === null) {
        const path = join(limits.spoolDir, `dialstate-upload-${randomUUID()}.csv`);
        spool = { path, out: createWriteStream(path, { flags: 'wx' }) };
        for (const earlier of pieces.splice(0)) await write(spool.out, earlier);
      }
      await write(spool.out, piece);
    }
    if (spool === null) return { file: { kind: 'memory', bytes: Buffer.concat(pieces) }, format };
    const { out, path } = spool;
    out.end();
    await once(out, 'finish');
    return {
      file: { kind: 'spooled', path, size, remove: () => rm(path, { force: true }) },
      format,
    };
  } catch (error) {
    await remove();
    throw error;
  }
}

async function write(out: ReturnType<typeof createWriteStream>, piece: Uint8Array): Promise<void> {
  if (!out.write(piece)) await once(out, 'drain');
}

function formatOf(first: Uint8Array, declaredXlsx: boolean): LeadFileFormat {
  const head = Buffer.from(first.subarray(0, 8)).toString('latin1');
  if (head.startsWith(ZIP_MAGIC)) return 'xlsx';
  const found = NOT_CSV.find(({ magic }) => head.startsWith(magic));
  if (found || declaredXlsx) {
    throw new ApiError(
      'unsupportedMediaType',
      `the file is ${found?.what ?? 'not an .xlsx workbook'}; save it as CSV (comma, semicolon or tab separated) or as an Excel .xlsx workbook first`,
    );
  }
  return 'csv';
}

function tooLarge(maxBytes: number, declared: number | null): ApiError {
  const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  return new ApiError(
    'payloadTooLarge',
    declared === null
      ? `the file is larger than the ${mib(maxBytes)} limit`
      : `the upload is ${mib(declared)}, over the ${mib(maxBytes)} limit`,
    { maxBytes },
  );
}

/** The file's own name without any folder, bounded, for the import record. */
function cleanFileName(name: string | null | undefined): string {
  const base = (name ?? '').split(/[\\/]/).pop()?.trim() ?? '';
  return base === '' ? 'upload.csv' : base.slice(0, 200);
}
