import { pino } from 'pino';
import { buildApiDeps, wireLiveFeed } from '../../src/api-wiring.js';
import { createCampaignControl } from '../../src/dialer/campaign-control.js';
import { createApp } from '../../src/http/app.js';
import { createCampaignControlStore } from '../../src/store/campaign-control-store.js';
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
  /** Sends a request to the app in process (`app.request`), with JSON for a body object. */
  call(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<ApiResponse>;
}

/**
 * The real API app over the scheduler harness (real SQLite file, real runner and
 * scheduler, FakeCallControl, simulated clock). The harness's sample campaign
 * (`campaign-reminders`) is a draft unless `campaign.status` says otherwise.
 */
export async function createApiHarness(
  options: Parameters<typeof createSchedulerHarness>[0] & { apiToken?: string } = {},
): Promise<ApiHarness> {
  const x = await createSchedulerHarness({
    ...options,
    campaign: { status: 'draft', ...options.campaign },
  });
  const log = pino({ level: 'silent' });
  const control = createCampaignControl({
    store: createCampaignControlStore(x.store.db),
    scheduler: x.scheduler,
    runner: x.runner,
    clock: x.clock,
    log,
  });
  let ids = 0;
  const live = wireLiveFeed({ store: x.store, runner: x.runner, clock: x.clock, log });
  const deps = buildApiDeps({
    store: x.store,
    control,
    scheduler: x.scheduler,
    live,
    clock: x.clock,
    log,
    newId: () => `id-${++ids}`,
  });
  const app = createApp(deps, { apiToken: options.apiToken ?? null, version: 'test' });
  return {
    ...x,
    app,
    async close() {
      live.stop();
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
