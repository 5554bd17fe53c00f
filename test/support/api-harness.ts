import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach } from 'vitest';
import { buildApiDeps, wireLiveFeed, wireMetrics } from '../../src/api-wiring.js';
import { createStorageHealth, type StorageHealth } from '../../src/calls/storage-health.js';
import { createApp } from '../../src/http/app.js';
import type { CsvUploadLimits } from '../../src/http/csv-upload.js';
import type { LiveEventHub } from '../../src/http/live-event-hub.js';
import type { LiveFanout } from '../../src/http/live-fanout.js';
import type { SetupGuideDeps } from '../../src/http/setup-routes.js';
import { createRecordingLibrary } from '../../src/media/recording-library.js';
import type { SetupProbe } from '../../src/setup/setup-checks.js';
import { type CampaignPurger, startCampaignPurger } from '../../src/store/campaign-purge.js';
import { createRecordingRepository } from '../../src/store/recordings.js';
import { createSchedulerHarness, type SchedulerHarness } from './scheduler-harness.js';

export interface ApiResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON when the response is JSON, else the text. */
  // biome-ignore lint/suspicious/noExplicitAny: tests read response bodies by their documented shape
  body: any;
}

export interface ApiHarness extends SchedulerHarness {
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
  /** Sends a request to the app in process (`app.request`), with JSON for a body object. */
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
  const control = x.control();
  let ids = 0;
  const live = wireLiveFeed({ store: x.store, runner: x.runner, clock: x.clock, log });
  const ariConnected = () => x.ari.connected;
  const storage = createStorageHealth({ clock: x.clock, log, unwritableAfterMs: 10_000 });
  const metrics = wireMetrics({
    store: x.store,
    runner: x.runner,
    clock: x.clock,
    ariConnected,
    storage: storage.status,
    log,
  });
  const mediaDir = join(x.dir.path, 'media');
  let recordingIds = 0;
  const campaignPurge = startCampaignPurger({ store: x.store, log });
  const deps = buildApiDeps({
    store: x.store,
    control,
    campaignPurge,
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
  const app = createApp(deps, { apiToken: options.apiToken ?? null, version: 'test' });
  return {
    ...x,
    app,
    mediaDir,
    liveHub: live.hub,
    liveFanout: live.fanout,
    storage,
    importsSettled: () => deps.leadImportJobs.settled(),
    campaignPurge,
    async close() {
      await deps.leadImportJobs.settled();
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
