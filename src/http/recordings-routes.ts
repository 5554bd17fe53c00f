import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { Logger } from 'pino';
import { DEFAULT_AUDIO_LIMITS } from '../media/asterisk-audio.js';
import type {
  RecordingLibrary,
  RecordingUpload,
  UploadRecordingResult,
} from '../media/recording-library.js';
import {
  ApiError,
  type ApiErrorCode,
  errorResponse,
  notFound,
  validationError,
} from './api-error.js';
import { createRouter } from './api-router.js';
import { readMultipartFile } from './multipart-file.js';
import { jsonResponse as json } from './openapi-content.js';
import {
  recordingIdParam,
  recordingSchema,
  recordingView,
  renameSchema,
  uploadedRecordingSchema,
  uploadQuerySchema,
} from './recording-schemas.js';
import { isMultipart, MULTIPART_OVERHEAD_BYTES, uploadBodyLimit } from './upload-body-limit.js';

const TAG = ['Recordings'];
const binary = { type: 'string', format: 'binary' } as const;
const byId = { params: recordingIdParam };
const notFoundResponse = { 404: errorResponse('No such recording') };

/** Each refusal of an upload or rename, as the API's error code. */
const REFUSALS: Record<Exclude<UploadRecordingResult, { ok: true }>['reason'], ApiErrorCode> = {
  unsupportedType: 'unsupportedMediaType',
  tooLarge: 'payloadTooLarge',
  tooLong: 'payloadTooLarge',
  invalidAudio: 'validation',
  invalidName: 'validation',
};

const routes = {
  list: createRoute({
    method: 'get',
    path: '/',
    tags: TAG,
    summary: 'List the recordings by name, with the campaigns that use each',
    responses: { 200: json(z.object({ recordings: z.array(recordingSchema) }), 'The library') },
  }),
  upload: createRoute({
    method: 'post',
    path: '/',
    tags: TAG,
    summary: 'Upload a recording: converted to 8 kHz mono μ-law for Asterisk',
    description:
      'Either `multipart/form-data` with a `file` and a `name` field, or the audio itself as the body with `?name=`. Accepted: WAV (PCM 8 to 32-bit, float, μ-law, A-law), or raw 8 kHz μ-law/A-law declared by its Content-Type (`audio/basic`, `audio/x-alaw`) or file name (`.ulaw`, `.alaw`).',
    middleware: [
      uploadBodyLimit(DEFAULT_AUDIO_LIMITS.maxBytes + MULTIPART_OVERHEAD_BYTES, 'the upload'),
    ],
    request: {
      query: uploadQuerySchema,
      body: {
        required: true,
        content: {
          'multipart/form-data': {
            schema: {
              type: 'object',
              required: ['file'],
              properties: { file: binary, name: { type: 'string' } },
            },
          },
          'audio/*': { schema: binary },
          'application/octet-stream': { schema: binary },
        },
      },
    },
    responses: {
      201: json(uploadedRecordingSchema, 'The new recording'),
      400: errorResponse('Broken audio, or no usable name'),
      413: errorResponse('Larger or longer than the limits'),
      415: errorResponse('Not a format the converter reads (MP3, Ogg…)'),
    },
  }),
  get: createRoute({
    method: 'get',
    path: '/{id}',
    tags: TAG,
    summary: 'Get a recording',
    request: byId,
    responses: { 200: json(recordingSchema, 'The recording'), ...notFoundResponse },
  }),
  audio: createRoute({
    method: 'get',
    path: '/{id}/audio',
    tags: TAG,
    summary: 'The recording as a 16-bit 8 kHz mono WAV, which every browser plays',
    request: byId,
    responses: {
      200: { description: 'The preview WAV', content: { 'audio/wav': { schema: binary } } },
      ...notFoundResponse,
    },
  }),
  rename: createRoute({
    method: 'patch',
    path: '/{id}',
    tags: TAG,
    summary: 'Rename a recording',
    request: {
      ...byId,
      body: { required: true, content: { 'application/json': { schema: renameSchema } } },
    },
    responses: {
      200: json(recordingSchema, 'The renamed recording'),
      400: errorResponse('Not a usable name'),
      ...notFoundResponse,
    },
  }),
  delete: createRoute({
    method: 'delete',
    path: '/{id}',
    tags: TAG,
    summary: 'Delete a recording and its files, unless a campaign uses it',
    request: byId,
    responses: {
      204: { description: 'Deleted' },
      ...notFoundResponse,
      409: errorResponse('A campaign uses it (details.usedBy)'),
    },
  }),
};

/** The upload in either form the route takes. */
async function readUpload(
  c: Context,
  query: z.infer<typeof uploadQuerySchema>,
): Promise<RecordingUpload> {
  const contentType = c.req.header('content-type');
  if (isMultipart(contentType)) {
    const { file, fields } = await readMultipartFile(c);
    return {
      name: fields.name ?? query.name ?? file.name.replace(/\.[^.]*$/, ''),
      bytes: new Uint8Array(await file.arrayBuffer()),
      contentType: file.type || null,
      // The library reads only the extension; the rest of an uploader's path never matters.
      fileName: file.name || null,
    };
  }
  if (query.name === undefined) {
    throw validationError([
      { path: 'query.name', message: 'required when the body is the audio itself' },
    ]);
  }
  return {
    name: query.name,
    bytes: new Uint8Array(await c.req.arrayBuffer()),
    contentType: contentType ?? null,
    fileName: query.fileName ?? null,
  };
}

/** `/api/recordings`: the recording library (consent prompts and voicemail messages). */
/** What the recording routes read and change. */
export interface RecordingsRoutesDeps {
  /** The recording library (uploads converted into the media folder). */
  recordings: RecordingLibrary;
  log: Logger;
}

export function recordingsRoutes(deps: RecordingsRoutesDeps) {
  const { recordings } = deps;

  return createRouter()
    .openapi(routes.list, async (c) => {
      const all = await recordings.list();
      return c.json({ recordings: all.map(recordingView) }, 200);
    })
    .openapi(routes.upload, async (c) => {
      const upload = await readUpload(c, c.req.valid('query'));
      const result = await recordings.upload(upload);
      if (!result.ok) {
        throw new ApiError(REFUSALS[result.reason], result.message, { reason: result.reason });
      }
      deps.log.info(
        { recordingId: result.recording.id, source: result.source },
        'recording uploaded',
      );
      return c.json({ ...recordingView(result.recording), source: result.source }, 201);
    })
    .openapi(routes.get, async (c) => {
      const { id } = c.req.valid('param');
      const recording = await recordings.get(id);
      if (recording === undefined) throw notFound('recording', id);
      return c.json(recordingView(recording), 200);
    })
    .openapi(routes.audio, async (c) => {
      const { id } = c.req.valid('param');
      const wav = await recordings.preview(id);
      if (wav === undefined) throw notFound('recording', id);
      return c.body(wav as Uint8Array<ArrayBuffer>, 200, {
        'Content-Type': 'audio/wav',
        'Content-Length': String(wav.byteLength),
        // Named from the id alone: the display name is the uploader's text.
        'Content-Disposition': `inline; filename="recording-${id}.wav"`,
        'X-Content-Type-Options': 'nosniff',
        'Content-Security-Policy': "default-src 'none'; sandbox",
        // An id's audio never changes: a new upload gets a new id.
        'Cache-Control': 'private, max-age=86400',
      });
    })
    .openapi(routes.rename, async (c) => {
      const { id } = c.req.valid('param');
      const result = await recordings.rename(id, c.req.valid('json').name);
      if (!result.ok) {
        if (result.reason === 'notFound') throw notFound('recording', id);
        throw new ApiError('validation', result.message, { reason: result.reason });
      }
      return c.json(recordingView(result.recording), 200);
    })
    .openapi(routes.delete, async (c) => {
      const { id } = c.req.valid('param');
      const result = await recordings.remove(id);
      if (!result.ok) {
        if (result.reason === 'notFound') throw notFound('recording', id);
        throw new ApiError('conflict', result.message, { usedBy: result.usedBy });
      }
      deps.log.info({ recordingId: id }, 'recording deleted');
      return c.body(null, 204);
    });
}
