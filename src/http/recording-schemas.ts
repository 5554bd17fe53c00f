import { z } from '@hono/zod-openapi';
import { CAMPAIGN_STATUSES } from '../campaign/campaign.js';
import type { LibraryRecording } from '../media/recording-library.js';

export const recordingIdParam = z.object({
  id: z.string().openapi({ param: { name: 'id', in: 'path' }, example: '3f2a9c1e-…' }),
});

const recordingUseSchema = z.object({
  campaignId: z.string(),
  campaignName: z.string(),
  campaignStatus: z.enum(CAMPAIGN_STATUSES),
  roles: z.array(z.enum(['consent', 'voicemail'])),
});

/** A recording of the library, as the API shows it. */
export const recordingSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    durationMs: z.number().int(),
    sizeBytes: z.number().int().openapi({ description: 'Of the converted μ-law file.' }),
    sha256: z.string().openapi({ description: 'Hex SHA-256 of the converted μ-law file.' }),
    mediaUri: z.string().openapi({
      description: 'What Asterisk is told to play.',
      example: 'sound:/mnt/asterisk_media/ai-generated/dialstate-rec-3f2a…',
    }),
    audioUrl: z.string().openapi({
      description: 'The preview WAV for browsers.',
      example: '/api/recordings/3f2a…/audio',
    }),
    usedBy: z
      .array(recordingUseSchema)
      .openapi({ description: 'The campaigns that play it; it cannot be deleted while any do.' }),
    createdAt: z.number().int(),
    updatedAt: z.number().int(),
  })
  .openapi('Recording');

export const uploadedRecordingSchema = recordingSchema
  .extend({
    source: z
      .object({
        format: z.string().openapi({ example: 'wav-pcm-16' }),
        sampleRate: z.number().int(),
        channels: z.number().int(),
      })
      .openapi({ description: 'What was uploaded, before the conversion to 8 kHz mono μ-law.' }),
  })
  .openapi('UploadedRecording');

export const uploadQuerySchema = z.object({
  name: z.string().optional().openapi({
    description:
      'Display name. Required when the body is the audio itself; with a multipart body the `name` field wins, then the file name without its extension.',
  }),
  fileName: z.string().optional().openapi({
    description: 'Original file name of a raw body: only its extension is read (`.ulaw`, `.alaw`).',
  }),
});

export const renameSchema = z.object({ name: z.string() }).strict();

/** Where the API serves a recording's preview. */
export const audioUrlOf = (id: string) => `/api/recordings/${encodeURIComponent(id)}/audio`;

/** A library recording as the API shows it: the file name stays internal. */
export function recordingView(recording: LibraryRecording) {
  return {
    id: recording.id,
    name: recording.name,
    durationMs: recording.durationMs,
    sizeBytes: recording.sizeBytes,
    sha256: recording.sha256,
    mediaUri: recording.mediaUri,
    audioUrl: audioUrlOf(recording.id),
    usedBy: recording.usedBy,
    createdAt: recording.createdAt,
    updatedAt: recording.updatedAt,
  };
}
