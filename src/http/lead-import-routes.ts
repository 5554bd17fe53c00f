import { createReadStream } from 'node:fs';
import { createRoute, type z } from '@hono/zod-openapi';
import type { Logger } from 'pino';
import type { Clock } from '../calls/ports.js';
import { leadsRefusedBy } from '../campaign/campaign-lifecycle.js';
import type { CampaignRepository } from '../control/campaign-reads.js';
import { importLeads } from '../intake/import-leads.js';
import { errorCsvChunks } from '../intake/lead-import-error-csv.js';
import type { LeadImportJobs } from '../intake/lead-import-jobs.js';
import type { LeadImportRepository, LeadImportStore } from '../intake/lead-intake-ports.js';
import { ApiError, errorResponse, notFound, validationError } from './api-error.js';
import { createRouter } from './api-router.js';
import { campaignIdParam } from './campaign-schemas.js';
import { csvDownload } from './csv-download.js';
import { type CsvUpload, type CsvUploadLimits, receiveCsvUpload, XLSX_TYPE } from './csv-upload.js';
import {
  formModeSchema,
  importAcceptedSchema,
  importIdParam,
  importQuerySchema,
  importReportSchema,
  importStatusSchema,
} from './lead-import-schemas.js';
import { reportView, statusView } from './lead-import-status.js';
import type { LiveFeed } from './live-feed.js';
import { csvResponse as csvFile, jsonResponse as json } from './openapi-content.js';

const TAG = ['Lead imports'];

/** Issues shown with an import's status; all of them are in its error CSV. */
const STATUS_ISSUES = 20;
/** Issues read per page while writing an error CSV. */
const ERROR_CSV_PAGE = 5_000;

const routes = {
  import: createRoute({
    method: 'post',
    path: '/campaigns/{id}/leads/import',
    tags: TAG,
    summary: 'Import leads from a CSV file or an Excel workbook',
    description:
      'The body is the CSV (`text/csv`) or `.xlsx` workbook (its first worksheet; `application/vnd.openxmlformats-officedocument.spreadsheetml.sheet`), or a `multipart/form-data` form with the file as `file`; a workbook is known by its bytes. Up to 1 MiB the import runs in the request and answers its report; a larger file is imported in the background: 202 with the import id, whose progress `GET /api/imports/{id}` reports and `/api/events` streams (`import` events). All the valid rows are imported, or none if the file turns out unreadable.',
    request: {
      params: campaignIdParam,
      query: importQuerySchema,
      body: {
        required: true,
        content: {
          'text/csv': { schema: { type: 'string' } },
          [XLSX_TYPE]: { schema: { type: 'string', format: 'binary' } },
          'multipart/form-data': {
            schema: {
              type: 'object',
              properties: {
                file: { type: 'string', format: 'binary' },
                mode: { type: 'string', enum: ['skip_existing', 'update_existing'] },
              },
              required: ['file'],
            },
          },
        },
      },
    },
    responses: {
      200: json(importReportSchema, 'Imported; rejected rows are counted and listed'),
      202: json(importAcceptedSchema, 'A large file: importing in the background'),
      400: errorResponse('The file cannot be imported (details.import), or a broken form'),
      404: errorResponse('No such campaign'),
      409: errorResponse('The campaign is archived'),
      413: errorResponse('The file is over the size limit (details.maxBytes)'),
      415: errorResponse(
        'Not a CSV or .xlsx upload: another content type, an .xls workbook, a PDF',
      ),
      503: errorResponse('Too many imports running; try again when one has ended'),
    },
  }),
  status: createRoute({
    method: 'get',
    path: '/imports/{id}',
    tags: TAG,
    summary: "An import's progress: status, counts, rows/s, percent, first issues",
    request: { params: importIdParam },
    responses: {
      200: json(importStatusSchema, 'The import'),
      404: errorResponse('No such import'),
    },
  }),
  errors: createRoute({
    method: 'get',
    path: '/imports/{id}/errors.csv',
    tags: TAG,
    summary: 'The rejected rows as CSV, with their row numbers and reasons',
    description:
      "The file's own header and fields, then `import_row` and `import_error`; fix the rows and import this file as it is (those two columns are ignored).",
    request: { params: importIdParam },
    responses: { 200: csvFile('The error CSV'), 404: errorResponse('No such import') },
  }),
};

/**
 * Lead imports: `POST /api/campaigns/{id}/leads/import` (CSV files, answered at once or
 * run in the background), `/api/imports/{id}` (progress) and its error CSV.
 */
/** What the lead import routes read and change. */
export interface LeadImportRoutesDeps {
  campaigns: Pick<CampaignRepository, 'get'>;
  /** Lead import records and the issues of their rows. */
  leadImports: LeadImportRepository;
  /** Imports too large to answer in their request, running after it. */
  leadImportJobs: LeadImportJobs;
  leadIntake: LeadImportStore;
  /** How lead CSV uploads are received; files past `inMemoryBytes` are imported in the background. */
  leadUploads: CsvUploadLimits;
  liveFeed: Pick<LiveFeed, 'campaignChanged' | 'leadsChanged'>;
  clock: Clock;
  newId(): string;
  log: Logger;
}

export function leadImportRoutes(deps: LeadImportRoutesDeps) {
  const { leadImports, leadImportJobs, clock, log } = deps;

  function modeOf(upload: CsvUpload, query: z.infer<typeof importQuerySchema>) {
    const field = upload.fields.mode;
    if (field === undefined) return query.mode ?? 'skip_existing';
    const parsed = formModeSchema.safeParse(field);
    if (!parsed.success) {
      throw validationError([
        { path: 'body.mode', message: 'must be skip_existing or update_existing' },
      ]);
    }
    return parsed.data;
  }

  return createRouter()
    .openapi(routes.import, async (c) => {
      const { id } = c.req.valid('param');
      const query = c.req.valid('query');
      const campaign = await deps.campaigns.get(id);
      if (campaign === undefined) throw notFound('campaign', id);
      // Refused before the upload is read, by the same rule the import itself applies.
      const refused = leadsRefusedBy(campaign);
      if (refused !== null) throw new ApiError('conflict', refused);
      const upload = await receiveCsvUpload(c.req.raw, deps.leadUploads, query.fileName);
      const { file, fileName, format } = upload;
      let mode: ReturnType<typeof modeOf>;
      try {
        mode = modeOf(upload, query);
      } catch (error) {
        if (file.kind === 'spooled') await file.remove();
        throw error;
      }

      if (file.kind === 'spooled') {
        const started = leadImportJobs.start({
          campaignId: id,
          fileName,
          format,
          mode,
          source: createReadStream(file.path, { highWaterMark: 256 * 1024 }),
          bytesTotal: file.size,
          release: async () => {
            await file.remove();
            deps.liveFeed.campaignChanged(id);
          },
        });
        if (!started.ok) {
          await file.remove();
          throw new ApiError(
            'unavailable',
            `${started.running} imports are running already; try again when one has ended`,
          );
        }
        const statusUrl = `/api/imports/${started.importId}`;
        c.header('location', statusUrl);
        return c.json({ importId: started.importId, status: 'running' as const, statusUrl }, 202);
      }

      const { bytes } = file;
      const result = await importLeads(
        { store: deps.leadIntake, clock, newImportId: deps.newId },
        {
          campaignId: id,
          fileName,
          format,
          mode,
          source: (async function* () {
            yield bytes;
          })(),
          bytesTotal: bytes.length,
        },
      );
      if (!result.ok) {
        throw result.reason === 'campaignNotFound'
          ? notFound('campaign', id)
          : new ApiError(
              'conflict',
              result.reason === 'campaignClosed'
                ? result.message
                : `the campaign cannot read numbers: ${result.message}`,
            );
      }
      const report = reportView(result.report);
      log.info(
        { campaignId: id, importId: report.importId, status: report.status, counts: report.counts },
        'lead import ended',
      );
      deps.liveFeed.leadsChanged(id, null);
      if (report.status === 'failed') {
        throw new ApiError('validation', `the file cannot be imported: ${report.error}`, {
          import: report,
        });
      }
      return c.json(report, 200);
    })
    .openapi(routes.status, async (c) => {
      const { id } = c.req.valid('param');
      const [record, job] = [await leadImports.get(id), leadImportJobs.status(id)];
      if (record === undefined && job === undefined) throw notFound('import', id);
      const issues =
        record === undefined ? [] : await leadImports.listIssues(id, { limit: STATUS_ISSUES });
      return c.json(statusView(id, record, job, issues.slice(0, STATUS_ISSUES), clock.now()), 200);
    })
    .openapi(routes.errors, async (c) => {
      const { id } = c.req.valid('param');
      const record = await leadImports.get(id);
      if (record === undefined) throw notFound('import', id);
      async function* pages() {
        let afterRow = 0;
        for (;;) {
          const page = await leadImports.listIssues(id, {
            severity: 'error',
            afterRow,
            limit: ERROR_CSV_PAGE,
          });
          if (page.length === 0) return;
          yield page;
          afterRow = page.at(-1)?.rowNumber ?? afterRow;
        }
      }
      const name = `${record.fileName.replace(/\.(csv|xlsx)$/i, '')}-errors.csv`;
      return csvDownload(name, errorCsvChunks(record.header ?? [], pages()), log);
    });
}
