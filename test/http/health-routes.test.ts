import { afterEach, describe, expect, it } from 'vitest';
import { type ApiHarness, createApiHarness, jsonAt, openApiOf } from '../support/api-harness.js';

const TOKEN = 'a-long-enough-secret-token';

let h: ApiHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** The harness with its scheduler at work, as in a running process. */
async function running(options: Parameters<typeof createApiHarness>[0] = {}) {
  h = await createApiHarness(options);
  h.scheduler.start();
  await h.quiet();
  return h;
}

describe('/health', () => {
  it('is 200 with each part when the database answers, ARI is connected and the scheduler runs', async () => {
    const x = await running();
    const response = await x.call('GET', '/health');
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.body).toEqual({
      status: 'ok',
      simulated: false,
      checkedAt: x.clock.now(),
      database: { ok: true, latencyMs: 0, writable: true, writesFailingSince: null },
      ari: { ok: true, state: 'connected', since: null },
      scheduler: { ok: true, running: true, lastPassAt: x.clock.now(), lastPassFailed: false },
    });
  });

  it('is 503 while ARI is disconnected', async () => {
    const x = await running();
    x.ari.connected = false;
    const response = await x.call('GET', '/health');
    expect(response.status).toBe(503);
    expect(response.body).toMatchObject({
      status: 'unavailable',
      ari: { ok: false, state: 'disconnected' },
      database: { ok: true },
      scheduler: { ok: true },
    });
  });

  it('is 503 when the scheduler is not running', async () => {
    h = await createApiHarness();
    const response = await h.call('GET', '/health');
    expect(response.status).toBe(503);
    expect(jsonAt(response.body, 'scheduler')).toEqual({
      ok: false,
      running: false,
      lastPassAt: null,
      lastPassFailed: false,
    });
    h.scheduler.start();
    await h.quiet();
    await h.scheduler.stop();
    expect(jsonAt((await h.call('GET', '/health')).body, 'scheduler')).toMatchObject({
      running: false,
    });
  });

  it('is 503 when the database cannot answer, and so cannot the scheduler', async () => {
    const x = await running();
    await x.store.close();
    await x.scheduler.tick();
    const response = await x.call('GET', '/health');
    expect(response.status).toBe(503);
    expect(response.body).toMatchObject({
      database: { ok: false, latencyMs: null },
      ari: { ok: true },
      scheduler: { ok: false, running: true, lastPassFailed: true },
    });
  });

  it('counts a database that does not answer in time as down', async () => {
    const x = await running();
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    // The one connection is busy in a transaction: every query waits for it.
    const transaction = x.store.db.transaction().execute(() => held);
    const pending = x.call('GET', '/health');
    await new Promise((resolve) => setImmediate(resolve));
    x.clock.increment(2_000);
    const response = await pending;
    expect(response.status).toBe(503);
    expect(jsonAt(response.body, 'database')).toEqual({
      ok: false,
      latencyMs: null,
      writable: true,
      writesFailingSince: null,
    });
    release();
    await transaction;
    expect((await x.call('GET', '/health')).status).toBe(200);
  });

  it('is 503 once database writes have kept failing past the bound, and 200 again after one works', async () => {
    const x = await running();
    const since = x.clock.now();
    x.storage.writeFailed(new Error('disk I/O error'));
    // Within the bound: a failing write is shown, but the process is still healthy.
    let response = await x.call('GET', '/health');
    expect(response.status).toBe(200);
    expect(jsonAt(response.body, 'database')).toEqual({
      ok: true,
      latencyMs: 0,
      writable: true,
      writesFailingSince: since,
    });
    x.clock.increment(10_000);
    response = await x.call('GET', '/health');
    expect(response.status).toBe(503);
    expect(response.body).toMatchObject({
      status: 'unavailable',
      database: { ok: false, latencyMs: 0, writable: false, writesFailingSince: since },
    });
    // The open endpoint names the part, never the error (paths, SQL) behind it.
    expect(JSON.stringify(response.body)).not.toMatch(/I\/O/);
    x.storage.writeSucceeded();
    expect((await x.call('GET', '/health')).status).toBe(200);
  });

  it('needs no token, even when the API does', async () => {
    const x = await running({ apiToken: TOKEN });
    expect((await x.api('$get', '/campaigns', {})).status).toBe(401);
    expect((await x.call('GET', '/health')).status).toBe(200);
  });

  it('is documented as open in the OpenAPI document', async () => {
    const x = await running({ apiToken: TOKEN });
    const doc = openApiOf(await x.call('GET', '/api/openapi.json'));
    expect(jsonAt(doc.paths, '/health', 'get', 'security')).toEqual([]);
    expect(jsonAt(doc.paths, '/metrics', 'get', 'security')).toBeUndefined();
  });
});
