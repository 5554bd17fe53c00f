import { z } from '@hono/zod-openapi';
import type { DncEntry } from '../compliance/dnc-reads.js';

const region = z
  .string()
  .regex(/^[A-Z]{2}$/, 'must be an ISO 3166 region code, e.g. US')
  .openapi({
    description:
      "Region of numbers written without a country code. A campaign's list defaults to the campaign's region; the global list has none, so its numbers need their + code unless this is given.",
    example: 'US',
  });

export const dncEntrySchema = z
  .object({
    phone: z.string().openapi({ example: '+15551234567', description: 'Normalised like leads.' }),
    reason: z.string().nullable(),
    createdAt: z.number().int(),
  })
  .openapi('DncEntry');

export const dncPageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  after: z.string().min(1).optional().openapi({
    description: "The previous page's `nextAfter`: entries whose phone sorts after it.",
  }),
  search: z
    .string()
    .max(64)
    .optional()
    .openapi({ description: 'Only phones containing these digits, e.g. 555 or +4420.' }),
});

export const dncPageSchema = z
  .object({
    entries: z.array(dncEntrySchema),
    total: z.number().int().openapi({ description: 'Entries matching the search, on all pages.' }),
    nextAfter: z.string().nullable().openapi({ description: '`after` for the next page.' }),
  })
  .openapi('DncPage');

export const dncAddSchema = z
  .object({
    phone: z.string().min(1).max(64),
    reason: z.string().max(200).nullable().optional(),
    region: region.optional(),
  })
  .strict();

export const dncChangeSchema = z
  .object({
    phone: z.string().openapi({ description: 'As normalised and listed.' }),
    changed: z
      .boolean()
      .openapi({ description: 'False when adding a number that was already on the list.' }),
  })
  .openapi('DncChange');

export const dncRemoveQuerySchema = z.object({
  phone: z.string().min(1).max(64).openapi({ example: '+15551234567' }),
  region: region.optional(),
});

export const dncImportQuerySchema = z.object({
  reason: z.string().max(200).optional().openapi({
    description: 'For rows without a `reason` column (a multipart `reason` field wins).',
  }),
  region: region.optional(),
});

export const dncImportReportSchema = z
  .object({
    status: z.enum(['completed', 'failed']),
    error: z.string().nullable(),
    counts: z.object({
      totalRows: z.number().int(),
      added: z.number().int(),
      alreadyListed: z.number().int(),
      duplicates: z.number().int(),
      rejected: z.number().int(),
    }),
    issues: z.array(
      z.object({ rowNumber: z.number().int(), value: z.string().nullable(), reason: z.string() }),
    ),
  })
  .openapi('DncImportReport');

/** A do-not-call entry as the API shows it: scope and row id are the URL's business. */
export function dncEntryView(entry: DncEntry) {
  return { phone: entry.phone, reason: entry.reason, createdAt: entry.createdAt };
}
