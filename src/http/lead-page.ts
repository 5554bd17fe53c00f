import { z } from '@hono/zod-openapi';
import type { Campaign } from '../campaign/campaign.js';
import { parseSearchQuery } from '../campaign/search-query.js';
import {
  type LeadCursor,
  type LeadFilter,
  type LeadListReader,
  type LeadPage,
  leadOrderOf,
} from '../control/lead-reads.js';
import { validationError } from './api-error.js';
import type { leadExportQuery } from './lead-schemas.js';
import { decodeCursor, encodeCursor } from './page-cursor.js';

const leadCursorSchema: z.ZodType<LeadCursor> = z.discriminatedUnion('order', [
  z.object({ order: z.literal('import'), importSeq: z.number().int(), rowid: z.number().int() }),
  z.object({ order: z.literal('phone'), phone: z.string() }),
  z.object({ order: z.literal('name'), name: z.string(), rowid: z.number().int() }),
]);

/** The store's filter for a list or export query, its search read by the campaign's number rules. */
export function leadFilterOf(
  campaign: Pick<Campaign, 'defaultRegion' | 'allowExtensions'>,
  query: z.infer<typeof leadExportQuery>,
): LeadFilter {
  const search = query.q === undefined ? null : parseSearchQuery(query.q, campaign);
  return {
    ...(query.state === undefined ? {} : { state: query.state }),
    ...(query.outcome === undefined ? {} : { outcome: query.outcome }),
    ...(search === null ? {} : { search }),
  };
}

/**
 * One page of the leads table for a list query: its cursor read back, the page, and the
 * cursor of the next one.
 *
 * @throws ApiError `validation` (400) for a cursor that is not this query's (another
 * search order, or made up).
 */
export async function leadPage(
  reader: LeadListReader,
  campaign: Campaign,
  query: z.infer<typeof leadExportQuery> & { limit: number; cursor?: string | undefined },
): Promise<Omit<LeadPage, 'next'> & { nextCursor: string | null; hasMore: boolean }> {
  const filter = leadFilterOf(campaign, query);
  const after =
    query.cursor === undefined ? undefined : decodeCursor(query.cursor, leadCursorSchema);
  if (after !== undefined && after.order !== leadOrderOf(filter)) {
    throw validationError([
      {
        path: 'query.cursor',
        message: 'the cursor belongs to another search; start again without one',
      },
    ]);
  }
  const page = await reader.page(campaign.id, filter, { limit: query.limit, after });
  return {
    leads: page.leads,
    nextCursor: page.next === null ? null : encodeCursor(page.next),
    hasMore: page.next !== null,
  };
}
