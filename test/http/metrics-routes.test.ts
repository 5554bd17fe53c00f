import { describe, expect, it } from 'vitest';
import { ATTEMPT_OUTCOMES } from '../../src/machines/attempt-types.js';
import { type ApiHarness, apiHarnessPerTest, textOf } from '../support/api-harness.js';
import { runImport } from '../support/lead-intake.js';

const TOKEN = 'a-long-enough-secret-token';

const setUp = apiHarnessPerTest();

interface Scrape {
  types: Map<string, string>;
  /** `name{a="1",b="2"}` (labels sorted) → value. */
  samples: Map<string, number>;
}

/** Reads the Prometheus text exposition format: TYPE lines and samples. */
function parseExposition(text: string): Scrape {
  const types = new Map<string, string>();
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type?.[1] && type[2]) types.set(type[1], type[2]);
    if (line === '' || line.startsWith('#')) continue;
    const sample = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!sample?.[1] || sample[3] === undefined) throw new Error(`not a sample line: ${line}`);
    const labels = [...(sample[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)]
      .map(([, name, value]) => `${name}="${value}"`)
      .sort();
    const key = labels.length > 0 ? `${sample[1]}{${labels.join(',')}}` : sample[1];
    samples.set(key, Number(sample[3]));
  }
  return { types, samples };
}

async function scrape(x: ApiHarness, headers: Record<string, string> = {}): Promise<Scrape> {
  const response = await x.call('GET', '/metrics', undefined, headers);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseExposition(textOf(response));
}

describe('/metrics', () => {
  it('serves every metric with its type, in Prometheus text', async () => {
    const x = await setUp();
    const { types, samples } = await scrape(x);
    expect(Object.fromEntries(types)).toEqual({
      dialstate_attempts_total: 'counter',
      dialstate_live_attempts: 'gauge',
      dialstate_originate_latency_seconds: 'histogram',
      dialstate_amd_latency_seconds: 'histogram',
      dialstate_event_lag_seconds: 'histogram',
      dialstate_lead_import_rows: 'gauge',
      dialstate_ari_connected: 'gauge',
      dialstate_storage_writable: 'gauge',
      dialstate_storage_write_failures_total: 'counter',
      dialstate_answered_calls: 'gauge',
      dialstate_abandoned_calls: 'gauge',
      dialstate_abandoned_call_rate: 'gauge',
    });
    // Every outcome is there from zero, so that rate() works from the first call.
    for (const outcome of ATTEMPT_OUTCOMES) {
      expect(samples.get(`dialstate_attempts_total{outcome="${outcome}"}`)).toBe(0);
    }
    expect(samples.get('dialstate_ari_connected')).toBe(1);
    expect(samples.get('dialstate_storage_writable')).toBe(1);
  });

  it('shows storage unwritable once writes have kept failing past the bound', async () => {
    const x = await setUp();
    x.storage.writeFailed(new Error('database is locked'));
    x.storage.writeFailed(new Error('database is locked'));
    expect((await scrape(x)).samples.get('dialstate_storage_writable')).toBe(1);
    x.clock.increment(10_000);
    const { samples } = await scrape(x);
    expect(samples.get('dialstate_storage_writable')).toBe(0);
    expect(samples.get('dialstate_storage_write_failures_total')).toBe(2);
    x.storage.writeSucceeded();
    expect((await scrape(x)).samples.get('dialstate_storage_writable')).toBe(1);
  });

  it('counts a real attempt by outcome, with its originate and AMD latencies and event lag', async () => {
    const x = await setUp({ campaign: { status: 'running' }, leads: 1 });
    await x.quiet();
    const [attempt] = await x.openAttempts();
    if (!attempt) throw new Error('the scheduler started no attempt');
    const live = await scrape(x);
    expect(live.samples.get('dialstate_live_attempts{state="dialing"}')).toBe(1);

    x.clock.increment(1_200);
    await x.send(attempt.attemptId, { type: 'channel.ringing' });
    x.clock.increment(3_000);
    await x.send(attempt.attemptId, { type: 'channel.answered' });
    x.clock.increment(2_500);
    await x.send(attempt.attemptId, { type: 'channel.leftStasis' });
    await x.send(attempt.attemptId, {
      type: 'amd.completed',
      status: 'MACHINE',
      cause: 'MAXWORDS-3-2',
    });
    await x.send(attempt.attemptId, { type: 'channel.hungUp', cause: 16 });

    const { samples } = await scrape(x);
    expect(samples.get('dialstate_attempts_total{outcome="machine_detected"}')).toBe(1);
    expect(samples.get('dialstate_attempts_total{outcome="busy"}')).toBe(0);
    expect(samples.get('dialstate_originate_latency_seconds_count{until="ringing"}')).toBe(1);
    expect(samples.get('dialstate_originate_latency_seconds_sum{until="ringing"}')).toBe(1.2);
    expect(samples.get('dialstate_originate_latency_seconds_bucket{le="1",until="ringing"}')).toBe(
      0,
    );
    expect(samples.get('dialstate_originate_latency_seconds_bucket{le="2",until="ringing"}')).toBe(
      1,
    );
    expect(samples.get('dialstate_amd_latency_seconds_count{status="MACHINE"}')).toBe(1);
    expect(samples.get('dialstate_amd_latency_seconds_sum{status="MACHINE"}')).toBe(2.5);
    // ringing, answered, leftStasis, amd.completed and hungUp came from ARI; the start did not.
    expect(samples.get('dialstate_event_lag_seconds_count')).toBe(5);
    expect([...samples.keys()].some((key) => key.startsWith('dialstate_live_attempts'))).toBe(
      false,
    );
  });

  it('shows the rows of the lead imports by result, read from the database', async () => {
    const x = await setUp();
    await runImport(x.store, {
      text: 'phone,name\n+14155550111,Ada\n+14155550111,Ada again\nnot a number,Bob\n',
    });
    const { samples } = await scrape(x);
    expect(samples.get('dialstate_lead_import_rows{result="accepted"}')).toBe(1);
    expect(samples.get('dialstate_lead_import_rows{result="duplicate"}')).toBe(1);
    expect(samples.get('dialstate_lead_import_rows{result="rejected"}')).toBe(1);
  });

  it('still answers when the database does not: its gauges are left out', async () => {
    const x = await setUp();
    x.ari.connected = false;
    await x.store.close();
    const { samples } = await scrape(x);
    expect(samples.get('dialstate_ari_connected')).toBe(0);
    expect([...samples.keys()].some((key) => key.startsWith('dialstate_lead_import_rows'))).toBe(
      false,
    );
    expect(samples.has('dialstate_attempts_total{outcome="busy"}')).toBe(true);
  });

  it('needs the bearer token when one is configured, and is open when none is', async () => {
    const open = await setUp();
    expect((await open.call('GET', '/metrics')).status).toBe(200);
    await open.close();

    const x = await setUp({ apiToken: TOKEN });
    const refused = await x.call('GET', '/metrics');
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toContain('Bearer');
    const wrong = await x.call('GET', '/metrics', undefined, { authorization: 'Bearer nope' });
    expect(wrong.status).toBe(401);
    await scrape(x, { authorization: `Bearer ${TOKEN}` });
  });
});
