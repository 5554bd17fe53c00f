import { z } from '@hono/zod-openapi';
import { LEAD_IMPORT_MODES, type LeadImportMode } from '../intake/lead-import.js';

const modeSchema = z.enum(LEAD_IMPORT_MODES as [LeadImportMode, ...LeadImportMode[]]);

export const importQuerySchema = z.object({
  mode: modeSchema.optional().openapi({
    description:
      'What a number already in the campaign does: skip_existing (default) skips its row, update_existing updates the lead. A multipart `mode` field wins.',
  }),
  fileName: z
    .string()
    .max(200)
    .optional()
    .openapi({ description: 'The file name to record, for a text/csv body' }),
});

/** A multipart form field `mode`, read after the file when the form sends it later. */
export const formModeSchema = modeSchema;

export const countsSchema = z
  .object({
    totalRows: z.number().int(),
    accepted: z.number().int().openapi({ description: 'New pending leads' }),
    updated: z.number().int().openapi({ description: 'Existing leads updated (update_existing)' }),
    duplicates: z.number().int(),
    rejected: z.number().int().openapi({ description: 'Rows with an error; in the error CSV' }),
    dncBlocked: z.number().int().openapi({ description: 'Stored as dnc, never dialed' }),
  })
  .openapi('LeadImportCounts');

const issueSchema = z
  .object({
    rowNumber: z.number().int().openapi({ description: '1-based data row; 0 for the file' }),
    severity: z.enum(['error', 'warning']),
    field: z.string().nullable(),
    value: z.string().nullable(),
    reason: z.string(),
  })
  .openapi('LeadImportIssue');

const errorsCsvUrl = z
  .string()
  .nullable()
  .openapi({ description: 'The rejected rows as CSV, to fix and import again; null when none' });

/** How an import answered in its request ended. */
export const importReportSchema = z
  .object({
    importId: z.string(),
    status: z.enum(['completed', 'failed']),
    error: z.string().nullable(),
    counts: countsSchema,
    issues: z.array(issueSchema).openapi({ description: 'The first 100 issues' }),
    errorCount: z.number().int(),
    warningCount: z.number().int(),
    elapsedMs: z.number().int(),
    errorsCsvUrl,
  })
  .openapi('LeadImportReport');

export const importAcceptedSchema = z
  .object({
    importId: z.string(),
    status: z.literal('running'),
    statusUrl: z.string().openapi({ example: '/api/imports/7d1e…' }),
  })
  .openapi('LeadImportAccepted');

/** An import's progress, running or ended. */
export const importStatusSchema = z
  .object({
    id: z.string(),
    campaignId: z.string(),
    fileName: z.string(),
    mode: modeSchema,
    status: z.enum(['running', 'completed', 'failed']),
    phase: z.enum(['reading', 'merging', 'completed', 'failed']),
    error: z.string().nullable(),
    counts: countsSchema,
    bytesRead: z.number().int(),
    bytesTotal: z.number().int().nullable(),
    percent: z
      .number()
      .nullable()
      .openapi({ description: 'Of the file read; null if its size is unknown' }),
    rowsPerSecond: z.number().nullable(),
    elapsedMs: z.number().int(),
    startedAt: z.number().int(),
    finishedAt: z.number().int().nullable(),
    issues: z.array(issueSchema).openapi({ description: 'The first 20 issues found so far' }),
    errorsCsvUrl,
  })
  .openapi('LeadImportStatus');

export const importIdParam = z.object({
  id: z
    .string()
    .min(1)
    .openapi({ param: { name: 'id', in: 'path' }, example: 'i-5e0c' }),
});
