import { Readable } from 'node:stream';
import { createRoute, type z } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';
import type { Clock } from '../calls/ports.js';
import type { DncPageReader } from '../compliance/dnc-reads.js';
import {
  addToDnc,
  type DncChangeResult,
  type DncImportResult,
  type DncScope,
  importDnc,
  removeFromDnc,
} from '../compliance/do-not-call-lists.js';
import type { CampaignRepository } from '../control/campaign-reads.js';
import { DEFAULT_CSV_LIMITS } from '../intake/csv-reader.js';
import type { DncListStore } from '../intake/lead-intake-ports.js';
import { ApiError, errorResponse, notFound } from './api-error.js';
import { createRouter } from './api-router.js';
import { campaignIdParam } from './campaign-schemas.js';
import { assertCsvOrForm } from './csv-upload.js';
import {
  dncAddSchema,
  dncChangeSchema,
  dncEntryView,
  dncImportQuerySchema,
  dncImportReportSchema,
  dncPageQuerySchema,
  dncPageSchema,
  dncRemoveQuerySchema,
} from './dnc-schemas.js';
import { readMultipartFile } from './multipart-file.js';
import { jsonResponse as json } from './openapi-content.js';
import { isMultipart, uploadBodyLimit } from './upload-body-limit.js';

/**
 * A multipart file is read into memory before the import starts; a `text/csv` body is
 * streamed, up to the CSV reader's own limit. Do-not-call files are mostly numbers: 32 MiB
 * holds about two million of them.
 */
export const DNC_MULTIPART_MAX_BYTES = 32 * 1024 * 1024;

const TAG = ['Do-not-call'];

const multipartLimit = uploadBodyLimit(DNC_MULTIPART_MAX_BYTES, 'a multipart do-not-call file');
/** Multipart bodies are bounded before they are read; CSV bodies by their declared length. */
const importBodyLimit: MiddlewareHandler = async (c, next) => {
  // As the lead import does: a JSON or any other body is not read as CSV.
  assertCsvOrForm(c.req.header('content-type'));
  if (isMultipart(c.req.header('content-type'))) return multipartLimit(c, next);
  const length = Number(c.req.header('content-length') ?? 0);
  if (length > DEFAULT_CSV_LIMITS.maxBytes) {
    throw new ApiError(
      'payloadTooLarge',
      `the file is larger than ${DEFAULT_CSV_LIMITS.maxBytes} bytes; split it`,
      { limitBytes: DEFAULT_CSV_LIMITS.maxBytes },
    );
  }
  await next();
};

/** The six routes of one list: the global one, or a campaign's (with its `{id}`). */
function dncRouteSet<
  const P extends string,
  R extends { params?: typeof campaignIdParam },
  M extends { 404?: ReturnType<typeof errorResponse> },
>(base: P, scopeRequest: R, missing: M, list: string) {
  return {
    list: createRoute({
      method: 'get',
      path: base,
      tags: TAG,
      summary: `A page of ${list}, by phone`,
      request: { ...scopeRequest, query: dncPageQuerySchema },
      responses: { 200: json(dncPageSchema, 'The page'), ...missing },
    }),
    add: createRoute({
      method: 'post',
      path: base,
      tags: TAG,
      summary: `Put a number on ${list}`,
      request: {
        ...scopeRequest,
        body: { required: true, content: { 'application/json': { schema: dncAddSchema } } },
      },
      responses: {
        201: json(dncChangeSchema, 'Added'),
        200: json(dncChangeSchema, 'It was on the list already'),
        400: errorResponse('Not a valid number (the reason says why)'),
        ...missing,
      },
    }),
    remove: createRoute({
      method: 'delete',
      path: base,
      tags: TAG,
      summary: `Take a number off ${list}, however it is written`,
      request: { ...scopeRequest, query: dncRemoveQuerySchema },
      responses: {
        200: json(dncChangeSchema, 'Removed'),
        400: errorResponse('Not a valid number'),
        404: errorResponse(
          scopeRequest.params
            ? 'No such campaign, or the number is not on the list'
            : 'The number is not on the list',
        ),
      },
    }),
    import: createRoute({
      method: 'post',
      path: `${base}/import`,
      tags: TAG,
      summary: `Add the numbers of a CSV file to ${list}`,
      description:
        'A phone column (the same names as for leads) and optionally a `reason` column; other columns are ignored. The body is the CSV (`text/csv`, streamed) or `multipart/form-data` with a `file` (up to 32 MiB). All the valid numbers are added, or none if the file is unreadable.',
      middleware: [importBodyLimit],
      request: {
        ...scopeRequest,
        query: dncImportQuerySchema,
        body: {
          required: true,
          content: {
            'text/csv': { schema: { type: 'string' } },
            'multipart/form-data': {
              schema: {
                type: 'object',
                required: ['file'],
                properties: {
                  file: { type: 'string', format: 'binary' },
                  reason: { type: 'string' },
                },
              },
            },
          },
        },
      },
      responses: {
        200: json(dncImportReportSchema, 'What was added and every rejected row'),
        400: errorResponse('The file cannot be read: nothing was added (details is the report)'),
        413: errorResponse('The file is too large'),
        415: errorResponse('Not a CSV file or a multipart form (e.g. a JSON body)'),
        ...missing,
      },
    }),
  };
}

const global = dncRouteSet('/dnc', {}, {}, 'the global do-not-call list');
const perCampaign = dncRouteSet(
  '/campaigns/{id}/dnc',
  { params: campaignIdParam },
  { 404: errorResponse('No such campaign') },
  "a campaign's do-not-call list",
);

/** The request's refusal for a change or import that did not happen. */
function refusal(
  scope: DncScope,
  result: Exclude<DncChangeResult | DncImportResult, { ok: true }>,
): ApiError {
  switch (result.reason) {
    case 'campaignNotFound':
      return notFound('campaign', scope.campaignId ?? '');
    case 'invalidRegion':
      return new ApiError('validation', result.message, { reason: result.reason });
    case 'invalidPhone': {
      const message = `not a phone number that can be listed: ${result.message}`;
      return new ApiError('validation', message, { reason: result.message });
    }
  }
}

/** The CSV of an import request, streamed or from its multipart `file`. */
async function importSource(c: Context) {
  if (isMultipart(c.req.header('content-type'))) {
    const { file, fields } = await readMultipartFile(c);
    return { source: Readable.fromWeb(file.stream()), reason: fields.reason };
  }
  const body = c.req.raw.body;
  return { source: body === null ? Readable.from([]) : Readable.fromWeb(body), reason: undefined };
}

/**
 * `/api/dnc` and `/api/campaigns/{id}/dnc`: the do-not-call lists, a page at a time;
 * single numbers added and removed, normalised as lead numbers are; CSV imports.
 */
/** What the do-not-call routes read and change. */
export interface DncRoutesDeps {
  /** The do-not-call lists, as the DNC service changes them. */
  dncLists: DncListStore;
  dncPages: DncPageReader;
  campaigns: Pick<CampaignRepository, 'get'>;
  clock: Clock;
  log: Logger;
}

export function dncRoutes(deps: DncRoutesDeps) {
  const service = { store: deps.dncLists, clock: deps.clock };
  const GLOBAL: DncScope = { campaignId: null };

  async function campaignScope(id: string): Promise<DncScope> {
    if ((await deps.campaigns.get(id)) === undefined) throw notFound('campaign', id);
    return { campaignId: id };
  }

  async function page(scope: DncScope, query: z.infer<typeof dncPageQuerySchema>) {
    const search = query.search?.replace(/[^\d+]/g, '') || null;
    const found = await deps.dncPages.page(scope.campaignId, { ...query, search });
    return { ...found, entries: found.entries.map(dncEntryView) };
  }

  async function add(scope: DncScope, body: z.infer<typeof dncAddSchema>) {
    const result = await addToDnc(
      service,
      { ...scope, region: body.region ?? null },
      body.phone,
      body.reason ?? null,
    );
    if (!result.ok) throw refusal(scope, result);
    return {
      body: { phone: result.phone, changed: result.changed },
      status: result.changed ? 201 : 200,
    } as const;
  }

  async function remove(scope: DncScope, query: z.infer<typeof dncRemoveQuerySchema>) {
    const result = await removeFromDnc(
      service,
      { ...scope, region: query.region ?? null },
      query.phone,
    );
    if (!result.ok) throw refusal(scope, result);
    if (!result.changed) {
      throw new ApiError('notFound', `${result.phone} is not on the list`, { phone: result.phone });
    }
    return { phone: result.phone, changed: true };
  }

  async function importFile(
    c: Context,
    scope: DncScope,
    query: z.infer<typeof dncImportQuerySchema>,
  ) {
    const { source, reason } = await importSource(c);
    const result = await importDnc(service, { ...scope, region: query.region ?? null }, source, {
      defaultReason: reason ?? query.reason ?? null,
    });
    if (!result.ok) throw refusal(scope, result);
    if (result.report.status === 'failed') {
      throw new ApiError(
        'validation',
        result.report.error ?? 'the file cannot be read',
        result.report,
      );
    }
    deps.log.info(
      { campaignId: scope.campaignId, counts: result.report.counts },
      'do-not-call import',
    );
    return result.report;
  }

  return createRouter()
    .openapi(global.list, async (c) => c.json(await page(GLOBAL, c.req.valid('query')), 200))
    .openapi(perCampaign.list, async (c) => {
      const scope = await campaignScope(c.req.valid('param').id);
      return c.json(await page(scope, c.req.valid('query')), 200);
    })
    .openapi(global.add, async (c) => {
      const { body, status } = await add(GLOBAL, c.req.valid('json'));
      return c.json(body, status);
    })
    .openapi(perCampaign.add, async (c) => {
      const { body, status } = await add(
        { campaignId: c.req.valid('param').id },
        c.req.valid('json'),
      );
      return c.json(body, status);
    })
    .openapi(global.remove, async (c) => c.json(await remove(GLOBAL, c.req.valid('query')), 200))
    .openapi(perCampaign.remove, async (c) => {
      const scope = { campaignId: c.req.valid('param').id };
      return c.json(await remove(scope, c.req.valid('query')), 200);
    })
    .openapi(global.import, async (c) =>
      c.json(await importFile(c, GLOBAL, c.req.valid('query')), 200),
    )
    .openapi(perCampaign.import, async (c) => {
      const scope = await campaignScope(c.req.valid('param').id);
      return c.json(await importFile(c, scope, c.req.valid('query')), 200);
    });
}
