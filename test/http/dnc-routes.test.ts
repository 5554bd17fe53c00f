import { describe, expect, it } from 'vitest';
import { type ApiHarness, apiHarnessPerTest } from '../support/api-harness.js';
import { endlessBody } from '../support/endless-body.js';

const CAMPAIGN = 'campaign-reminders';
const TOKEN = 'a-long-enough-secret-token';

const setUp = apiHarnessPerTest();

async function send(x: ApiHarness, path: string, init: RequestInit) {
  const response = await x.app.request(path, { method: 'POST', ...init });
  const text = await response.text();
  return { status: response.status, body: text === '' ? null : JSON.parse(text) };
}

const phones = (body: { entries: { phone: string }[] }) => body.entries.map((e) => e.phone);

describe('the global do-not-call list', () => {
  it('adds a number normalised like leads, once however it is written', async () => {
    const x = await setUp();
    const added = await x.call('POST', '/api/dnc', { phone: '+1 415 555 0101', reason: 'asked' });
    expect(added.status).toBe(201);
    expect(added.body).toEqual({ phone: '+14155550101', changed: true });
    const again = await x.call('POST', '/api/dnc', { phone: '(415) 555-0101', region: 'US' });
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ phone: '+14155550101', changed: false });
    expect((await x.call('GET', '/api/dnc')).body).toEqual({
      entries: [{ phone: '+14155550101', reason: 'asked', createdAt: x.clock.now() }],
      total: 1,
      nextAfter: null,
    });
  });

  it('refuses numbers it cannot list with the reason, and bodies of the wrong shape', async () => {
    const x = await setUp();
    const local = await x.call('POST', '/api/dnc', { phone: '415 555 0101' });
    expect(local.status).toBe(400);
    expect(local.body.error).toMatchObject({
      code: 'validation',
      message: expect.stringContaining('no valid country code'),
      details: { reason: expect.stringContaining('country code') },
    });
    expect((await x.call('POST', '/api/dnc', { phone: 'call me' })).status).toBe(400);
    expect((await x.call('POST', '/api/dnc', { phone: '1', region: 'ZZ' })).status).toBe(400);
    for (const body of [
      { phone: 4155550101 },
      {},
      { phone: '+14155550101', region: 'usa' },
      { phone: '+14155550101', note: 'x' },
    ]) {
      const response = await x.call('POST', '/api/dnc', body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.error.details.issues.length).toBeGreaterThan(0);
    }
    expect((await x.call('GET', '/api/dnc')).body.total).toBe(0);
  });

  it('removes a number however it is written, and says when it was not listed', async () => {
    const x = await setUp();
    await x.call('POST', '/api/dnc', { phone: '+14155550101' });
    const removed = await x.call('DELETE', '/api/dnc?phone=415.555.0101&region=US');
    expect(removed.status).toBe(200);
    expect(removed.body).toEqual({ phone: '+14155550101', changed: true });
    const absent = await x.call('DELETE', '/api/dnc?phone=%2B14155550101');
    expect(absent.status).toBe(404);
    expect(absent.body.error.message).toBe('+14155550101 is not on the list');
    expect((await x.call('DELETE', '/api/dnc?phone=nope')).status).toBe(400);
    expect((await x.call('DELETE', '/api/dnc')).status).toBe(400);
  });

  it('pages through the list by phone, with a search and the total', async () => {
    const x = await setUp();
    for (const n of [5, 1, 4, 2, 3]) {
      await x.call('POST', '/api/dnc', { phone: `+1415555010${n}` });
    }
    const first = await x.call('GET', '/api/dnc?limit=2');
    expect(phones(first.body)).toEqual(['+14155550101', '+14155550102']);
    expect(first.body).toMatchObject({ total: 5, nextAfter: '+14155550102' });
    const second = await x.call(
      'GET',
      `/api/dnc?limit=2&after=${encodeURIComponent('+14155550102')}`,
    );
    expect(phones(second.body)).toEqual(['+14155550103', '+14155550104']);
    const last = await x.call(
      'GET',
      `/api/dnc?limit=2&after=${encodeURIComponent('+14155550104')}`,
    );
    expect(phones(last.body)).toEqual(['+14155550105']);
    expect(last.body.nextAfter).toBeNull();

    const search = await x.call('GET', '/api/dnc?search=555-0103');
    expect(search.body).toMatchObject({ total: 1, nextAfter: null });
    expect(phones(search.body)).toEqual(['+14155550103']);
    // Only digits and + count: the rest is how people write numbers.
    expect((await x.call('GET', '/api/dnc?search=(415)%20555')).body.total).toBe(5);
    expect((await x.call('GET', '/api/dnc?search=%2B1416')).body.total).toBe(0);

    for (const query of ['limit=0', 'limit=1001', 'limit=ten', 'after=']) {
      expect((await x.call('GET', `/api/dnc?${query}`)).status, query).toBe(400);
    }
  });
});

describe("a campaign's do-not-call list", () => {
  it("is apart from the global one, and reads local numbers in the campaign's region", async () => {
    const x = await setUp();
    const added = await x.call('POST', `/api/campaigns/${CAMPAIGN}/dnc`, {
      phone: '(415) 555-0101',
    });
    expect(added.status).toBe(201);
    expect(added.body.phone).toBe('+14155550101');
    expect(phones((await x.call('GET', `/api/campaigns/${CAMPAIGN}/dnc`)).body)).toEqual([
      '+14155550101',
    ]);
    expect((await x.call('GET', '/api/dnc')).body.total).toBe(0);
    const removed = await x.call('DELETE', `/api/campaigns/${CAMPAIGN}/dnc?phone=4155550101`);
    expect(removed.body).toEqual({ phone: '+14155550101', changed: true });
  });

  it('answers 404 for a campaign that does not exist', async () => {
    const x = await setUp();
    const responses = [
      await x.call('GET', '/api/campaigns/nope/dnc'),
      await x.call('POST', '/api/campaigns/nope/dnc', { phone: '+14155550101' }),
      await x.call('DELETE', '/api/campaigns/nope/dnc?phone=%2B14155550101'),
      await send(x, '/api/campaigns/nope/dnc/import', {
        body: 'phone\n+14155550101\n',
        headers: { 'content-type': 'text/csv' },
      }),
    ];
    for (const response of responses) {
      expect(response.status).toBe(404);
      expect(response.body.error.message).toBe('campaign nope does not exist');
    }
  });
});

describe('importing do-not-call CSV files', () => {
  it('imports a text/csv body: adds the new numbers, counts the listed, lists the rejected rows', async () => {
    const x = await setUp();
    await x.call('POST', '/api/dnc', { phone: '+14155550101' });
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
    const listed = (await x.call('GET', '/api/dnc')).body.entries;
    expect(listed.map((e: { phone: string; reason: string }) => [e.phone, e.reason])).toEqual([
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
    expect(response.body.counts).toMatchObject({ totalRows: 2, added: 2 });
    const listed = (await x.call('GET', `/api/campaigns/${CAMPAIGN}/dnc`)).body.entries;
    expect(listed.map((e: { reason: string }) => e.reason)).toEqual(['do not call', 'do not call']);
  });

  it('refuses a file it cannot read with the report, adding nothing', async () => {
    const x = await setUp();
    const response = await send(x, '/api/dnc/import', {
      body: 'name,email\nAda,ada@example.com\n',
      headers: { 'content-type': 'text/csv' },
    });
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({
      code: 'validation',
      details: { status: 'failed', counts: { added: 0 } },
    });
    expect(response.body.error.message).toBe(response.body.error.details.error);
    const empty = await send(x, '/api/dnc/import', { headers: { 'content-type': 'text/csv' } });
    expect(empty.status).toBe(400);
    const noFile = new FormData();
    noFile.append('reason', 'x');
    expect((await send(x, '/api/dnc/import', { body: noFile })).status).toBe(400);
    expect((await x.call('GET', '/api/dnc')).body.total).toBe(0);
  });

  it('answers a body that is not CSV with 415, as the lead import does, adding nothing', async () => {
    const x = await setUp();
    const json = await send(x, `/api/campaigns/${CAMPAIGN}/dnc/import`, {
      body: JSON.stringify({ phone: '+14155550101' }),
      headers: { 'content-type': 'application/json' },
    });
    expect(json.status).toBe(415);
    expect(json.body.error.message).toMatch(/not application\/json/);
    for (const type of ['application/pdf', null]) {
      const endless = endlessBody(new TextEncoder().encode('{"phone":"+14155550101"}'));
      const response = await send(
        x,
        `/api/campaigns/${CAMPAIGN}/dnc/import`,
        endless.init(type === null ? {} : { 'content-type': type }),
      );
      expect(response.status, String(type)).toBe(415);
      expect(response.body.error.code).toBe('unsupportedMediaType');
      expect(endless.pulled()).toBeLessThanOrEqual(1);
    }
    expect((await x.call('GET', `/api/campaigns/${CAMPAIGN}/dnc`)).body.total).toBe(0);
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
      expect(response.body.error.code).toBe('payloadTooLarge');
      expect(endless.pulled()).toBeLessThanOrEqual(1);
    }
  });
});

describe('authentication', () => {
  it('needs the token for the do-not-call routes when one is configured', async () => {
    const x = await setUp({ apiToken: TOKEN });
    expect((await x.call('GET', '/api/dnc')).status).toBe(401);
    expect((await x.call('POST', `/api/campaigns/${CAMPAIGN}/dnc`, { phone: '+1' })).status).toBe(
      401,
    );
    const ok = await x.call('GET', '/api/dnc', undefined, { authorization: `Bearer ${TOKEN}` });
    expect(ok.status).toBe(200);
  });
});
