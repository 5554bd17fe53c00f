import { z } from '@hono/zod-openapi';
import { type AbandonCounts, abandonRatePercent } from '../campaign/abandon-cap.js';
import type { Campaign } from '../campaign/campaign.js';
import type { AbandonmentStats } from '../compliance/abandonment-reads.js';

const countsSchema = z.object({
  answered: z.number().int().openapi({ description: 'Calls a person answered (AMD said so).' }),
  abandoned: z.number().int(),
  ratePercent: z
    .number()
    .nullable()
    .openapi({ description: 'Abandoned of answered, in percent; null when none was answered.' }),
});

/** A campaign's abandoned calls over the windows of the US TSR (30 days) and Ofcom (24 h). */
export const abandonmentSchema = z
  .object({
    thresholdMs: z.number().int().openapi({
      description:
        'How soon after the end of the greeting a person must be attended (DIALSTATE_ABANDON_THRESHOLD_MS).',
    }),
    capPercent: z.number().nullable().openapi({ description: "The campaign's abandonCapPercent." }),
    last24h: countsSchema,
    last30d: countsSchema,
    daily: z
      .array(countsSchema.extend({ day: z.string().openapi({ example: '2026-12-05' }) }))
      .openapi({ description: 'The last 30 UTC days, oldest first.' }),
  })
  .openapi('CampaignAbandonment');

function withRate(counts: AbandonCounts) {
  return { ...counts, ratePercent: abandonRatePercent(counts) };
}

/** The API's view of a campaign's abandoned calls. */
export function abandonmentView(
  stats: AbandonmentStats,
  campaign: Pick<Campaign, 'abandonCapPercent'>,
  thresholdMs: number,
): z.infer<typeof abandonmentSchema> {
  return {
    thresholdMs,
    capPercent: campaign.abandonCapPercent,
    last24h: withRate(stats.last24h),
    last30d: withRate(stats.last30d),
    daily: stats.daily.map((day) => ({ day: day.day, ...withRate(day) })),
  };
}
