import type { Context } from 'hono';
import { ApiError, validationError } from './api-error.js';

/** The file of a multipart upload, with the form's text fields. */
export interface MultipartFile {
  file: File;
  /** The other fields that are text; a repeated field keeps its last value. */
  fields: Record<string, string>;
}

/**
 * Reads a `multipart/form-data` body (already bounded by a body limit: it is read into
 * memory) and takes the file from the `file` field. A body that is not valid multipart,
 * or has no file there, is a 400.
 */
export async function readMultipartFile(c: Context): Promise<MultipartFile> {
  let form: Record<string, string | File>;
  try {
    form = await c.req.parseBody();
  } catch (error) {
    throw new ApiError('validation', 'the multipart body cannot be read', {
      cause: error instanceof Error ? error.message : String(error),
    });
  }
  const file = form.file;
  if (!(file instanceof File)) {
    throw validationError([
      { path: 'body.file', message: 'a file is required in the multipart field "file"' },
    ]);
  }
  const fields: Record<string, string> = {};
  for (const [key, value] of Object.entries(form)) {
    if (typeof value === 'string') fields[key] = value;
  }
  return { file, fields };
}
