import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { type HttpServer, listenHttp } from '../../src/http/http-server.js';
import { importAcceptedSchema } from '../../src/http/lead-import-schemas.js';
import { type ApiHarness, createApiHarness, jsonAt, openApiOf } from '../support/api-harness.js';
import { openSse, type ReceivedEvent, type SseConnection } from '../support/sse-client.js';

const CAMPAIGN = 'campaign-reminders';

/** The frames of the event stream as the OpenAPI document lists them: an event name and a data schema. */
const frameSchemas = z.array(
  z.object({
    properties: z.object({
      event: z.object({ enum: z.array(z.string()).optional(), const: z.string().optional() }),
      data: z.object({ $ref: z.string() }),
    }),
  }),
);

let h: ApiHarness | undefined;
let server: HttpServer | undefined;
const connections: SseConnection[] = [];
afterEach(async () => {
  for (const c of connections.splice(0)) c.close();
  await server?.close();
  server = undefined;
  await h?.close();
  h = undefined;
});

/** The API harness served over real HTTP on a free loopback port. */
async function setUp(options: Parameters<typeof createApiHarness>[0] = {}) {
  h = await createApiHarness(options);
  server = await listenHttp(h.app, { host: '127.0.0.1', port: 0 });
  const x = h;
  const url = server.url;
  return {
    x,
    async connect(query = '', headers: Record<string, string> = {}) {
      const connection = await openSse(`${url}/api/events${query}`, headers);
      connections.push(connection);
      return connection;
    },
    post: (path: string) => fetch(`${url}${path}`, { method: 'POST' }),
    postCsv: (path: string, csv: string) =>
      fetch(`${url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'text/csv' },
        body: csv,
      }),
  };
}

const attemptsIn = (events: readonly ReceivedEvent[]) =>
  events.flatMap((e) => (e.type === 'attempt' ? [e.data] : []));
const attempts = (c: SseConnection) => attemptsIn(c.events);

describe('GET /api/events', () => {
  it('delivers every attempt transition as it is committed to the journal', async () => {
    const { x, connect, post } = await setUp();
    // When each transition was committed: the runner reports it right after the commit.
    const committedAt = new Map<string, number>();
    x.runner.onTransition((t) => committedAt.set(`${t.attemptId}:${t.seq}`, performance.now()));
    const live = await connect();
    await live.waitFor((e) => e.type === 'ready');

    x.scheduler.start();
    expect((await post(`/api/campaigns/${CAMPAIGN}/start`)).status).toBe(200);
    await x.quiet();
    for (const attempt of await x.openAttempts()) await x.hangUp(attempt.attemptId, 17);
    await live.waitUntil((all) => attemptsIn(all).filter((a) => a.done).length === 3);
    // Every transition committed so far, no more and no fewer.
    await live.waitUntil((all) => attemptsIn(all).length >= committedAt.size);

    const received = live.events.flatMap((e) => (e.type === 'attempt' ? [e] : []));
    expect(received.length).toBe(committedAt.size);
    expect(committedAt.size).toBeGreaterThanOrEqual(6);
    for (const event of received) {
      const { data } = event;
      const committed = committedAt.get(`${data.attemptId}:${data.seq}`);
      expect(committed).toBeDefined();
      // Pushed as committed, not gathered for a later send (the counters' 250 ms interval
      // or a poll); the bound is loose because a busy machine may stall any process for
      // a while (an idle machine delivers in about a millisecond).
      expect(event.receivedAt - (committed ?? 0)).toBeLessThan(2_000);
    }
    const ended = attempts(live).filter((a) => a.done);
    expect(ended.map((a) => a.outcome)).toEqual(['busy', 'busy', 'busy']);
    expect(ended[0]).toMatchObject({
      campaignId: CAMPAIGN,
      state: 'done',
      event: expect.any(String),
    });
  });

  it('sends campaign status and counters after changes', async () => {
    const { x, connect, post } = await setUp();
    const live = await connect();
    x.scheduler.start();
    await post(`/api/campaigns/${CAMPAIGN}/start`);
    await x.quiet();
    const running = await live.waitFor(
      (e) => e.type === 'campaign' && e.data.campaign.status === 'running',
    );
    expect(running.type === 'campaign' && running.data.campaign.id).toBe(CAMPAIGN);
    // Further changes inside 250 ms come together once the interval has passed.
    await x.advance(300);
    const counters = await live.waitFor(
      (e) => e.type === 'campaign' && e.data.stats.liveTotal === 3,
    );
    expect(counters.type === 'campaign' && counters.data.stats.live).toEqual({ dialing: 3 });
  });

  it('resumes after Last-Event-ID with exactly the missed events, or says reset', async () => {
    const { x, connect, post } = await setUp();
    const first = await connect();
    x.scheduler.start();
    await post(`/api/campaigns/${CAMPAIGN}/start`);
    await x.quiet();
    await first.waitFor((e) => e.type === 'attempt');
    const seen = first.events.filter((e) => e.id !== undefined);
    const lastId = seen.at(-1)?.id ?? '';
    first.close();

    // Missed while disconnected.
    for (const attempt of await x.openAttempts()) await x.hangUp(attempt.attemptId, 17);
    const resumed = await connect('', { 'last-event-id': lastId });
    await resumed.waitUntil((all) => attemptsIn(all).filter((a) => a.done).length === 3);
    const ids = resumed.events.map((e) => e.id);
    expect(ids).not.toContain(lastId);
    const numbers = ids.map((id) => Number(id?.split('-').at(-1)));
    expect(numbers[0]).toBe(Number(lastId.split('-').at(-1)) + 1);
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
    expect(attempts(resumed).filter((a) => a.done)).toHaveLength(3);

    const stale = await connect('', { 'last-event-id': 'another-run-7' });
    await stale.waitFor((e) => e.type === 'reset');
  });

  it('filters by campaign', async () => {
    const { x, connect, post } = await setUp();
    await x.addCampaign({ id: 'other', status: 'draft' }, 2, 100);
    const mine = await connect('?campaignId=other');
    x.scheduler.start();
    await post(`/api/campaigns/${CAMPAIGN}/start`);
    await post('/api/campaigns/other/start');
    await x.quiet();
    await mine.waitFor((e) => e.type === 'attempt');
    // A marker sent after both campaigns' calls started: the stream keeps the hub's order,
    // so once it is here, any event of the first campaign let through would be too.
    await post('/api/campaigns/other/pause');
    await x.advance(300); // campaign events within 250 ms of the last are sent together
    await mine.waitFor((e) => e.type === 'campaign' && e.data.campaign.status === 'paused');
    const campaigns = new Set(
      mine.events
        .filter((e) => e.id !== undefined)
        .map((e) =>
          e.type === 'campaign'
            ? e.data.campaign.id
            : 'campaignId' in e.data
              ? e.data.campaignId
              : null,
        ),
    );
    expect([...campaigns]).toEqual(['other']);
  });

  it('documents each event’s data in the OpenAPI document, from the same schemas', async () => {
    const { x } = await setUp();
    const doc = openApiOf(await x.call('GET', '/api/openapi.json'));
    const events = ['/api/events', 'get', 'responses', '200', 'content', 'text/event-stream'];
    expect(jsonAt(doc.paths, ...events, 'schema')).toEqual({
      $ref: '#/components/schemas/LiveEventFrame',
    });
    const schemas = doc.components.schemas;
    const frames = frameSchemas.parse(jsonAt(schemas, 'LiveEventFrame', 'anyOf'));
    expect(
      frames.map((f) => [
        f.properties.event.const ?? f.properties.event.enum?.[0],
        f.properties.data.$ref,
      ]),
    ).toEqual([
      ['attempt', '#/components/schemas/LiveAttemptEvent'],
      ['campaign', '#/components/schemas/LiveCampaignEvent'],
      ['leads', '#/components/schemas/LiveLeadsEvent'],
      ['import', '#/components/schemas/LiveImportEvent'],
      ['ready', '#/components/schemas/LiveControlEvent'],
      ['reset', '#/components/schemas/LiveControlEvent'],
    ]);
    expect(jsonAt(schemas, 'LiveAttemptEvent', 'required')).toEqual([
      'attemptId',
      'leadId',
      'campaignId',
      'seq',
      'event',
      'at',
      'state',
      'done',
      'outcome',
    ]);
    expect(jsonAt(schemas, 'LiveCampaignEvent', 'properties', 'campaign')).toEqual({
      $ref: '#/components/schemas/Campaign',
    });
  });

  it('forgets a client once it disconnects', async () => {
    const { x, connect } = await setUp();
    const live = await connect();
    await live.waitFor((e) => e.type === 'ready');
    expect(x.liveFanout.clientCount()).toBe(1);
    live.close();
    await vi.waitFor(() => expect(x.liveFanout.clientCount()).toBe(0));
  });

  it('needs the token like the rest of the API', async () => {
    const token = 'a-long-enough-secret-token';
    const { connect } = await setUp({ apiToken: token });
    await expect(connect()).rejects.toThrow(/401/);
    const live = await connect('', { authorization: `Bearer ${token}` });
    await live.waitFor((e) => e.type === 'ready');
  });

  it('sends a background import’s progress and then its end, counts included', async () => {
    const { x, connect, postCsv } = await setUp({ leadUploads: { inMemoryBytes: 1024 } });
    const live = await connect(`?campaignId=${CAMPAIGN}`);
    await live.waitFor((e) => e.type === 'ready');
    let csv = 'phone,name\n';
    for (let n = 0; n < 300; n++) csv += `+1415${2_000_000 + n},Lead ${n}\n`;
    csv += 'call me maybe,Broken\n';

    const response = await postCsv(`/api/campaigns/${CAMPAIGN}/leads/import`, csv);
    expect(response.status).toBe(202);
    const { importId } = importAcceptedSchema.parse(await response.json());
    await live.waitFor((e) => e.type === 'import' && e.data.state !== 'running');
    await x.importsSettled();

    const updates = live.events.flatMap((e) => (e.type === 'import' ? [e.data] : []));
    expect(updates[0]).toMatchObject({
      importId,
      campaignId: CAMPAIGN,
      state: 'running',
      phase: 'reading',
      percent: 0,
      rowsRead: 0,
    });
    // The simulated clock stands still: only changes of phase get past the 250 ms limit.
    expect(updates.map((u) => u.phase)).toEqual(['reading', 'merging', 'completed']);
    expect(updates.at(-2)).toMatchObject({ state: 'running', rowsRead: 301 });
    expect(updates.at(-1)).toEqual({
      importId,
      campaignId: CAMPAIGN,
      fileName: expect.any(String),
      state: 'completed',
      phase: 'completed',
      percent: 100,
      rowsRead: 301,
      rowsPerSecond: expect.any(Number),
      elapsedMs: expect.any(Number),
      counts: {
        totalRows: 301,
        accepted: 300,
        updated: 0,
        duplicates: 0,
        rejected: 1,
        dncBlocked: 0,
      },
      error: null,
    });
    // The final event comes once the leads are in: the campaign's counters show them.
    const counters = await live.waitFor(
      (e) => e.type === 'campaign' && (e.data.stats.leads.pending ?? 0) >= 300,
    );
    expect(counters).toBeDefined();
  });
});
