import { createRoute } from '@hono/zod-openapi';
import type { Logger } from 'pino';
import type { CampaignRepository } from '../control/campaign-reads.js';
import type { LeadCursor, LeadListReader, LeadListRow } from '../control/lead-reads.js';
import { SAMPLE_LEADS_CSV } from '../intake/lead-csv-sample.js';
import { errorResponse, notFound } from './api-error.js';
import { createRouter } from './api-router.js';
import { campaignIdParam } from './campaign-schemas.js';
import { type CsvCell, csvDownload, csvRows, isoTime, seconds } from './csv-download.js';
import { leadFilterOf } from './lead-page.js';
import { leadExportQuery } from './lead-schemas.js';
import { csvResponse as csvFile } from './openapi-content.js';

const TAG = ['Leads'];
/** Leads read per batch of an export: the database is free between two batches. */
const EXPORT_BATCH = 1000;

const EXPORT_COLUMNS = [
  'lead_id',
  'phone',
  'name',
  'state',
  'attempts',
  'last_outcome',
  'last_error',
  'last_attempt_at',
  'last_attempt_duration_s',
  'amd_status',
  'amd_cause',
  'digits',
  'next_attempt_at',
  'timezone',
  'caller_id',
  'custom_vars',
  'created_at',
] as const;

function exportRow(lead: LeadListRow): CsvCell[] {
  const attempt = lead.lastAttempt;
  return [
    lead.id,
    lead.phone,
    lead.name,
    lead.state,
    lead.attempts,
    lead.lastOutcome,
    lead.lastError,
    isoTime(attempt ? (attempt.startedAt ?? attempt.createdAt) : null),
    seconds(attempt?.durationMs ?? null),
    attempt?.amdStatus ?? null,
    attempt?.amdCause ?? null,
    attempt?.digits ?? null,
    isoTime(lead.nextAttemptAt === 0 ? null : lead.nextAttemptAt),
    lead.timezone,
    lead.callerId,
    Object.keys(lead.customVars).length === 0 ? null : JSON.stringify(lead.customVars),
    isoTime(lead.createdAt),
  ];
}

const routes = {
  sample: createRoute({
    method: 'get',
    path: '/campaigns/{id}/leads/sample.csv',
    tags: TAG,
    summary: 'A sample CSV to start a lead file from: every column the importer knows',
    request: { params: campaignIdParam },
    responses: { 200: csvFile('The sample'), 404: errorResponse('No such campaign') },
  }),
  export: createRoute({
    method: 'get',
    path: '/campaigns/{id}/leads/export.csv',
    tags: TAG,
    summary: "The campaign's leads as CSV, with their latest attempt, filtered as the list is",
    description:
      'Streamed in import order (or the search order). Cells that a spreadsheet would run as a formula (starting with = + - @, a tab or a carriage return) start with an apostrophe.',
    request: { params: campaignIdParam, query: leadExportQuery },
    responses: {
      200: csvFile('The leads'),
      400: errorResponse('A bad filter'),
      404: errorResponse('No such campaign'),
    },
  }),
};

/** `/api/campaigns/{id}/leads/sample.csv` and `/export.csv`: lead CSV files to download. */
/** What the lead CSV export reads. */
export interface LeadCsvRoutesDeps {
  campaigns: Pick<CampaignRepository, 'get'>;
  leadList: Pick<LeadListReader, 'page'>;
  log: Logger;
}

export function leadCsvRoutes(deps: LeadCsvRoutesDeps) {
  async function load(id: string) {
    const campaign = await deps.campaigns.get(id);
    if (campaign === undefined) throw notFound('campaign', id);
    return campaign;
  }

  return createRouter()
    .openapi(routes.sample, async (c) => {
      await load(c.req.valid('param').id);
      c.header('content-disposition', 'attachment; filename="dialstate-leads-sample.csv"');
      return c.body(SAMPLE_LEADS_CSV, 200, { 'content-type': 'text/csv; charset=utf-8' });
    })
    .openapi(routes.export, async (c) => {
      const campaign = await load(c.req.valid('param').id);
      const filter = leadFilterOf(campaign, c.req.valid('query'));
      async function* batches() {
        let after: LeadCursor | undefined;
        do {
          const page = await deps.leadList.page(campaign.id, filter, {
            limit: EXPORT_BATCH,
            after,
          });
          yield page.leads.map(exportRow);
          after = page.next ?? undefined;
        } while (after !== undefined);
      }
      deps.log.info({ campaignId: campaign.id }, 'lead export');
      return csvDownload(`leads-${campaign.id}.csv`, csvRows(EXPORT_COLUMNS, batches()), deps.log);
    });
}
