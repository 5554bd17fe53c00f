import { describe, expect, it } from 'vitest';
import { type ApiHarness, apiHarnessPerTest, errorOf, issuesOf } from '../support/api-harness.js';
import { endlessBody } from '../support/endless-body.js';

const CAMPAIGN = 'campaign-reminders';
const TOKEN = 'a-long-enough-secret-token';

const campaign = { param: { id: CAMPAIGN } };
const setUp = apiHarnessPerTest();

/** Posts a raw body (a CSV, a form, a stream): an upload the typed client does not send. */
async function send(x: ApiHarness, path: string, init: RequestInit) {
  const response = await x.app.request(path, { method: 'POST', ...init });
  const text = await response.text();
  const body: unknown = text === '' ? null : JSON.parse(text);
  return { status: response.status, headers: response.headers, body };
}

/** The global list's total for a query. */
const total = async (x: ApiHarness, query: { search?: string } = {}) =>
  (await x.ok('$get', '/dnc', { query })).total;

const phones = (body: { entries: { phone: string }[] }) => body.entries.map((e) => e.phone);

describe('the global do-not-call list', () => {
  it('adds a number normalised like leads, once however it is written', async () => {
    const x = await setUp();
    const added = await x.api('$post', '/dnc', {
      json: { phone: '+1 415 555 0101', reason: 'asked' },
    });
    expect(added.status).toBe(201);
    expect(added.body).toEqual({ phone: '+14155550101', changed: true });
    const again = await x.api('$post', '/dnc', { json: { phone: '(415) 555-0101', region: 'US' } });
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ phone: '+14155550101', changed: false });
    expect(await x.ok('$get', '/dnc', { query: {} })).toEqual({
      entries: [{ phone: '+14155550101', reason: 'asked', createdAt: x.clock.now() }],
      total: 1,
      nextAfter: null,
    });
  });

  it('refuses numbers it cannot list with the reason, and bodies of the wrong shape', async () => {
    const x = await setUp();
    const local = await x.refused('$post', '/dnc', { json: { phone: '415 555 0101' } });
    expect(local).toMatchObject({
      status: 400,
      code: 'validation',
      message: expect.stringContaining('no valid country code'),
      details: { reason: expect.stringContaining('country code') },
    });
    expect((await x.refused('$post', '/dnc', { json: { phone: 'call me' } })).status).toBe(400);
    const unknownRegion = await x.refused('$post', '/dnc', { json: { phone: '1', region: 'ZZ' } });
    expect(unknownRegion.status).toBe(400);
    for (const body of [
      { phone: 4155550101 },
      {},
      { phone: '+14155550101', region: 'usa' },
      { phone: '+14155550101', note: 'x' },
    ]) {
      const response = await x.call('POST', '/api/dnc', body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(issuesOf(errorOf(response)).length).toBeGreaterThan(0);
    }
    expect(await total(x)).toBe(0);
  });

  it('removes a number however it is written, and says when it was not listed', async () => {
    const x = await setUp();
    await x.ok('$post', '/dnc', { json: { phone: '+14155550101' } });
    const removed = await x.api('$delete', '/dnc', {
      query: { phone: '415.555.0101', region: 'US' },
    });
    expect(removed.status).toBe(200);
    expect(removed.body).toEqual({ phone: '+14155550101', changed: true });
    const absent = await x.refused('$delete', '/dnc', { query: { phone: '+14155550101' } });
    expect(absent.status).toBe(404);
    expect(absent.message).toBe('+14155550101 is not on the list');
    expect((await x.refused('$delete', '/dnc', { query: { phone: 'nope' } })).status).toBe(400);
    // No phone at all, which the route's type requires: sent raw.
    expect((await x.call('DELETE', '/api/dnc')).status).toBe(400);
  });

  it('pages through the list by phone, with a search and the total', async () => {
    const x = await setUp();
    for (const n of [5, 1, 4, 2, 3]) {
      await x.ok('$post', '/dnc', { json: { phone: `+1415555010${n}` } });
    }
    const first = await x.ok('$get', '/dnc', { query: { limit: '2' } });
    expect(phones(first)).toEqual(['+14155550101', '+14155550102']);
    expect(first).toMatchObject({ total: 5, nextAfter: '+14155550102' });
    const second = await x.ok('$get', '/dnc', { query: { limit: '2', after: '+14155550102' } });
    expect(phones(second)).toEqual(['+14155550103', '+14155550104']);
    const last = await x.ok('$get', '/dnc', { query: { limit: '2', after: '+14155550104' } });
    expect(phones(last)).toEqual(['+14155550105']);
    expect(last.nextAfter).toBeNull();

    const search = await x.ok('$get', '/dnc', { query: { search: '555-0103' } });
    expect(search).toMatchObject({ total: 1, nextAfter: null });
    expect(phones(search)).toEqual(['+14155550103']);
    // Only digits and + count: the rest is how people write numbers.
    expect(await total(x, { search: '(415) 555' })).toBe(5);
    expect(await total(x, { search: '+1416' })).toBe(0);

    for (const query of [{ limit: '0' }, { limit: '1001' }, { limit: 'ten' }, { after: '' }]) {
      const refused = await x.refused('$get', '/dnc', { query });
      expect(refused.status, JSON.stringify(query)).toBe(400);
    }
  });
});

describe("a campaign's do-not-call list", () => {
  it("is apart from the global one, and reads local numbers in the campaign's region", async () => {
    const x = await setUp();
    const added = await x.api('$post', '/campaigns/:id/dnc', {
      ...campaign,
      json: { phone: '(415) 555-0101' },
    });
    expect(added.status).toBe(201);
    expect(added.ok && added.body.phone).toBe('+14155550101');
    const listed = await x.ok('$get', '/campaigns/:id/dnc', { ...campaign, query: {} });
    expect(phones(listed)).toEqual(['+14155550101']);
    expect(await total(x)).toBe(0);
    const removed = await x.api('$delete', '/campaigns/:id/dnc', {
      ...campaign,
      query: { phone: '4155550101' },
    });
    expect(removed.body).toEqual({ phone: '+14155550101', changed: true });
  });

  it('answers 404 for a campaign that does not exist', async () => {
    const x = await setUp();
    const nope = { param: { id: 'nope' } };
    const phone = '+14155550101';
    const upload = await send(x, '/api/campaigns/nope/dnc/import', {
      body: 'phone\n+14155550101\n',
      headers: { 'content-type': 'text/csv' },
    });
    const refusals = [
      await x.refused('$get', '/campaigns/:id/dnc', { ...nope, query: {} }),
      await x.refused('$post', '/campaigns/:id/dnc', { ...nope, json: { phone } }),
      await x.refused('$delete', '/campaigns/:id/dnc', { ...nope, query: { phone } }),
      { status: upload.status, ...errorOf(upload) },
    ];
    for (const refused of refusals) {
      expect(refused.status).toBe(404);
      expect(refused.message).toBe('campaign nope does not exist');
    }
  });
});

describe('importing do-not-call CSV files', () => {
  it('imports a text/csv body: adds the new numbers, counts the listed, lists the rejected rows', async () => {
    const x = await setUp();
    await x.ok('$post', '/dnc', { json: { phone: '+14155550101' } });
    const csv =
      'Phone Number;Reason\n415 555 0101;\n415 555 0102;complaint\nnope;\n(415) 555-0102;\n';
    const response = await send(x, '/api/dnc/import?region=US&reason=registry', {
      body: csv,
      headers: { 'content-type': 'text/csv' },
    });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      status: 'completed',
      error: null,
      counts: { totalRows: 4, added: 1, alreadyListed: 1, duplicates: 1, rejected: 1 },
      issues: [{ rowNumber: 3, value: 'nope', reason: expect.any(String) }],
    });
    const listed = (await x.ok('$get', '/dnc', { query: {} })).entries;
    expect(listed.map((e) => [e.phone, e.reason])).toEqual([
      ['+14155550101', null],
      ['+14155550102', 'complaint'],
    ]);
  });

  it("imports a multipart file into a campaign's list, with the reason field for rows without one", async () => {
    const x = await setUp();
    const form = new FormData();
    form.append(
      'file',
      new Blob(['phone\n415-555-0103\n415-555-0104\n'], { type: 'text/csv' }),
      'dnc.csv',
    );
    form.append('reason', 'do not call');
    const response = await send(x, `/api/campaigns/${CAMPAIGN}/dnc/import`, { body: form });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ counts: { totalRows: 2, added: 2 } });
    const listed = await x.ok('$get', '/campaigns/:id/dnc', { ...campaign, query: {} });
    expect(listed.entries.map((e) => e.reason)).toEqual(['do not call', 'do not call']);
  });

  it('refuses a file it cannot read with the report, adding nothing', async () => {
    const x = await setUp();
    const response = await send(x, '/api/dnc/import', {
      body: 'name,email\nAda,ada@example.com\n',
      headers: { 'content-type': 'text/csv' },
    });
    expect(response.status).toBe(400);
    const error = errorOf(response);
    expect(error).toMatchObject({
      code: 'validation',
      details: { status: 'failed', counts: { added: 0 } },
    });
    expect(error.details).toMatchObject({ error: error.message });
    const empty = await send(x, '/api/dnc/import', { headers: { 'content-type': 'text/csv' } });
    expect(empty.status).toBe(400);
    const noFile = new FormData();
    noFile.append('reason', 'x');
    expect((await send(x, '/api/dnc/import', { body: noFile })).status).toBe(400);
    expect(await total(x)).toBe(0);
  });

  it('answers a body that is not CSV with 415, as the lead import does, adding nothing', async () => {
    const x = await setUp();
    const json = await send(x, `/api/campaigns/${CAMPAIGN}/dnc/import`, {
      body: JSON.stringify({ phone: '+14155550101' }),
      headers: { 'content-type': 'application/json' },
    });
    expect(json.status).toBe(415);
    expect(errorOf(json).message).toMatch(/not application\/json/);
    for (const type of ['application/pdf', null]) {
      const endless = endlessBody(new TextEncoder().encode('{"phone":"+14155550101"}'));
      const response = await send(
        x,
        `/api/campaigns/${CAMPAIGN}/dnc/import`,
        endless.init(type === null ? {} : { 'content-type': type }),
      );
      expect(response.status, String(type)).toBe(415);
      expect(errorOf(response).code).toBe('unsupportedMediaType');
      expect(endless.pulled()).toBeLessThanOrEqual(1);
    }
    expect((await x.ok('$get', '/campaigns/:id/dnc', { ...campaign, query: {} })).total).toBe(0);
  });

  it('refuses a body over the limits from its Content-Length, before reading it', async () => {
    const x = await setUp();
    for (const [type, length] of [
      ['text/csv', 600 * 1024 * 1024],
      ['multipart/form-data; boundary=x', 33 * 1024 * 1024],
    ] as const) {
      const endless = endlessBody(new TextEncoder().encode('phone\n'));
      const response = await send(
        x,
        '/api/dnc/import',
        endless.init({ 'content-type': type, 'content-length': String(length) }),
      );
      expect(response.status, type).toBe(413);
      expect(errorOf(response).code).toBe('payloadTooLarge');
      expect(endless.pulled()).toBeLessThanOrEqual(1);
    }
  });
});

describe('authentication', () => {
  it('needs the token for the do-not-call routes when one is configured', async () => {
    const x = await setUp({ apiToken: TOKEN });
    expect((await x.api('$get', '/dnc', { query: {} })).status).toBe(401);
    const add = await x.api('$post', '/campaigns/:id/dnc', { ...campaign, json: { phone: '+1' } });
    expect(add.status).toBe(401);
    const ok = await x.api('$get', '/dnc', { query: {} }, { authorization: `Bearer ${TOKEN}` });
    expect(ok.status).toBe(200);
  });
});
