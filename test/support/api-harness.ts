import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach } from 'vitest';
import { z } from 'zod';
import { createStorageHealth, type StorageHealth } from '../../src/calls/storage-health.js';
import { type ErrorBody, errorBodySchema, type ValidationIssue } from '../../src/http/api-error.js';
import { createApp } from '../../src/http/app.js';
import type { CsvUploadLimits } from '../../src/http/csv-upload.js';
import type { LiveEventHub } from '../../src/http/live-event-hub.js';
import type { LiveFanout } from '../../src/http/live-fanout.js';
import type { SetupGuideDeps } from '../../src/http/setup-routes.js';
import { createRecordingLibrary } from '../../src/media/recording-library.js';
import type { SetupProbe } from '../../src/setup/setup-checks.js';
import { type CampaignPurger, startCampaignPurger } from '../../src/store/campaign-purge.js';
import { createRecordingRepository } from '../../src/store/recordings.js';
import { buildApiRouters, wireLiveFeed, wireMetrics } from '../../src/wiring/api.js';
import { databaseParts } from '../../src/wiring/database.js';
import { type ApiClient, createApiClient } from './api-client.js';
import { createSchedulerHarness, type SchedulerHarness } from './scheduler-harness.js';

/** A raw answer (`call`): for what the typed client cannot send, e.g. a body the API must refuse. */
export interface ApiResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON when the response is JSON, else the text: read it through a type or a parse. */
  body: unknown;
}

/** The text of a raw answer that is not JSON (a CSV, a page); fails the test on JSON. */
export function textOf(response: ApiResponse): string {
  if (typeof response.body !== 'string') {
    throw new Error(`expected a text body, got ${JSON.stringify(response.body)}`);
  }
  return response.body;
}

/**
 * The value at `keys` in a parsed JSON body, reading as `body.a.b` would: a missing last key
 * is `undefined`, a missing step on the way fails the test.
 */
export function jsonAt(body: unknown, ...keys: string[]): unknown {
  let at = body;
  for (const [i, key] of keys.entries()) {
    if (typeof at !== 'object' || at === null) {
      throw new Error(`no ${keys.slice(0, i).join('.') || 'body'} to read ${key} from`);
    }
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}

/** The error of a raw refusal, checked against the API's error shape (fails the test otherwise). */
export function errorOf(response: ApiResponse): ErrorBody['error'] {
  return errorBodySchema.parse(response.body).error;
}

/** The issues of a validation error (`details.issues`), each a path and a message. */
export function issuesOf(error: { details?: unknown }): ValidationIssue[] {
  return issuesSchema.parse(error.details).issues;
}

/** The parts of the served OpenAPI document the tests read; the rest is kept unread. */
const openApiSchema = z.object({
  openapi: z.string(),
  paths: z.record(z.string(), z.record(z.string(), z.unknown())),
  components: z.object({ schemas: z.record(z.string(), z.unknown()) }),
  security: z.unknown().optional(),
});

/** The OpenAPI document of a raw `/api/openapi.json` answer, checked for its outline. */
export function openApiOf(response: ApiResponse): z.infer<typeof openApiSchema> {
  return openApiSchema.parse(response.body);
}

const issuesSchema = z.object({
  issues: z.array(z.object({ path: z.string(), message: z.string() })),
});

/**
 * The API over a running engine. `api`, `ok` and `refused` are typed by the routes
 * (test/support/api-client.ts); `call` sends anything, for bodies the routes' types
 * exclude, uploads, downloads and headers.
 */
export interface ApiHarness extends SchedulerHarness, ApiClient {
  app: ReturnType<typeof createApp>;
  /** The recording library's folder (`<dir>/media`, created by the first upload). */
  mediaDir: string;
  /** Resolves once every lead import running in the background has ended. */
  importsSettled(): Promise<void>;
  /** Removes deleted campaigns' rows in the background, as `serve` does. */
  campaignPurge: CampaignPurger;
  /** The live feed's hub, as `/api/events` reads it. */
  liveHub: LiveEventHub;
  /** Its delivery to `/api/events` clients. */
  liveFanout: LiveFanout;
  /** What `/health` and `/metrics` say about database writes; tests report writes to it. */
  storage: StorageHealth;
  /** Sends any request to the app in process (`app.request`), with JSON for a body object. */
  call(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<ApiResponse>;
}

const UNREACHABLE: { ok: false; reason: 'unreachable'; message: string } = {
  ok: false,
  reason: 'unreachable',
  message: 'no ARI in this harness',
};
const UNREACHABLE_ARI: SetupProbe = {
  ping: async () => UNREACHABLE,
  moduleLoaded: async () => UNREACHABLE,
  appConnected: async () => UNREACHABLE,
  dialplanHas: async () => UNREACHABLE,
  mediaDirAccess: async () => ({ ok: true, ownerOnly: false }),
};

/**
 * The real API app over the scheduler harness (real SQLite file, real runner and
 * scheduler, FakeCallControl, simulated clock). The harness's sample campaign
 * (`campaign-reminders`) is a draft unless `campaign.status` says otherwise.
 */
export async function createApiHarness(
  options: Parameters<typeof createSchedulerHarness>[0] & {
    apiToken?: string;
    /** Setup guide names and probe; by default the defaults and an ARI that cannot be reached. */
    setup?: Partial<SetupGuideDeps>;
    /** Lead upload limits; large uploads are spooled into the harness's folder. */
    leadUploads?: Partial<CsvUploadLimits>;
  } = {},
): Promise<ApiHarness> {
  const x = await createSchedulerHarness({
    ...options,
    campaign: { status: 'draft', ...options.campaign },
  });
  const log = pino({ level: 'silent' });
  const database = databaseParts(x.store);
  const campaignPurge = startCampaignPurger({ store: x.store, log });
  const control = x.control({ purge: campaignPurge });
  let ids = 0;
  const live = wireLiveFeed({ database, runner: x.runner, clock: x.clock, log });
  const ariConnected = () => x.ari.connected;
  const storage = createStorageHealth({ clock: x.clock, log, unwritableAfterMs: 10_000 });
  const metrics = wireMetrics({
    database,
    runner: x.runner,
    clock: x.clock,
    ariConnected,
    storage: storage.status,
    log,
  });
  const mediaDir = join(x.dir.path, 'media');
  let recordingIds = 0;
  const api = buildApiRouters({
    database,
    control,
    scheduler: x.scheduler,
    live,
    recordings: createRecordingLibrary({
      recordings: createRecordingRepository(x.store.db),
      mediaDir,
      clock: x.clock,
      newId: () => `rec-${++recordingIds}`,
    }),
    setup: {
      app: 'dialstate',
      amdContext: 'aava-outbound-amd',
      dialContext: 'from-internal',
      outboundIdentity: '6789',
      mediaDir,
      aavaHandoffContext: 'dialstate-aava-handoff',
      listTargets: async () => [],
      simulated: false,
      probe: UNREACHABLE_ARI,
      checksTimeoutMs: 10_000,
      ...options.setup,
    },
    ariStatus: () => ({ state: ariConnected() ? 'connected' : 'disconnected', since: null }),
    storage: storage.status,
    metrics,
    clock: x.clock,
    log,
    newId: () => `id-${++ids}`,
    leadUploads: { spoolDir: x.dir.path, ...options.leadUploads },
  });
  const app = createApp(api.routers, { apiToken: options.apiToken ?? null, version: 'test' });
  return {
    ...x,
    ...createApiClient(app),
    app,
    mediaDir,
    liveHub: live.hub,
    liveFanout: live.fanout,
    storage,
    importsSettled: () => api.leadImportJobs.settled(),
    campaignPurge,
    async close() {
      await api.leadImportJobs.settled();
      await campaignPurge.stop();
      live.stop();
      metrics.stop();
      storage.stop();
      await x.close();
    },
    async call(method, path, body, headers = {}) {
      const init: RequestInit = { method, headers: { ...headers } };
      if (body !== undefined) {
        init.body = typeof body === 'string' ? body : JSON.stringify(body);
        (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
      }
      const response = await app.request(path, init);
      const text = await response.text();
      const isJson = response.headers.get('content-type')?.includes('json') ?? false;
      return {
        status: response.status,
        headers: response.headers,
        body: isJson && text !== '' ? JSON.parse(text) : text,
      };
    },
  };
}

/**
 * For a test file whose tests each build their own harness: the returned `setUp` builds
 * one, and it is closed after the test that built it.
 */
export function apiHarnessPerTest(): (
  options?: Parameters<typeof createApiHarness>[0],
) => Promise<ApiHarness> {
  let current: ApiHarness | undefined;
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  return async (options = {}) => {
    current = await createApiHarness(options);
    return current;
  };
}
