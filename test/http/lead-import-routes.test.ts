import { readdirSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { importAcceptedSchema, importReportSchema } from '../../src/http/lead-import-schemas.js';
import {
  type ApiHarness,
  type ApiResponse,
  createApiHarness,
  errorOf,
  issuesOf,
  jsonAt,
  textOf,
} from '../support/api-harness.js';
import { endlessBody } from '../support/endless-body.js';

const CAMPAIGN = 'campaign-reminders';
const IMPORT = `/api/campaigns/${CAMPAIGN}/leads/import`;
const campaign = { param: { id: CAMPAIGN } };

let h: ApiHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function setUp(options: Parameters<typeof createApiHarness>[0] = {}): Promise<ApiHarness> {
  h = await createApiHarness({ leads: 0, ...options });
  return h;
}

/** Sends a request through the app and reads its body as `call` does. */
async function send(x: ApiHarness, path: string, init: RequestInit): Promise<ApiResponse> {
  const response = await x.app.request(path, init);
  const text = await response.text();
  const isJson = response.headers.get('content-type')?.includes('json') ?? false;
  return {
    status: response.status,
    headers: response.headers,
    body: isJson ? JSON.parse(text) : text,
  };
}

/** The report of an import that ran in the request (an upload goes raw, so its answer is parsed). */
const reportOf = (response: ApiResponse): z.infer<typeof importReportSchema> =>
  importReportSchema.parse(response.body);

/** The answer to an import moved to the background (202). */
const acceptedOf = (response: ApiResponse): z.infer<typeof importAcceptedSchema> =>
  importAcceptedSchema.parse(response.body);

/** An import's status, through the typed client. */
const importStatus = (x: ApiHarness, id: string) => x.ok('$get', '/imports/:id', { param: { id } });

/** The campaign's leads, through the typed client. */
const leadPage = (x: ApiHarness, query: { q?: string; limit?: string } = {}) =>
  x.ok('$get', '/campaigns/:id/leads', { ...campaign, query });

function form(csv: string | Uint8Array, fields: Record<string, string> = {}, type = 'text/csv') {
  const body = new FormData();
  for (const [name, value] of Object.entries(fields)) body.append(name, value);
  body.append('file', new File([csv], 'my leads.csv', { type }));
  return body;
}

/** `count` valid US leads, one a line, after a header. */
function leadsCsv(count: number, first = 0): string {
  const rows = Array.from({ length: count }, (_, i) => {
    const n = first + i;
    return `+1 212 555 ${String(n % 10_000).padStart(4, '0')},Lead ${n},,${n % 7 === 0 ? 'x' : ''}`;
  });
  return `phone,name,timezone,note\n${rows.join('\n')}\n`;
}

describe('importing a CSV file in the request', () => {
  it('imports a text/csv body and answers with the report', async () => {
    const x = await setUp();
    const csv =
      'phone,name\n+1 415 555 0101,Ada Lovelace\n(212) 555-0102,Alan Turing\nnot a number,Bob\n';
    const response = await x.call('POST', `${IMPORT}?fileName=october.csv`, csv, {
      'content-type': 'text/csv',
    });
    expect(response.status).toBe(200);
    const report = reportOf(response);
    expect(report).toMatchObject({
      status: 'completed',
      error: null,
      counts: { totalRows: 3, accepted: 2, rejected: 1, duplicates: 0, updated: 0, dncBlocked: 0 },
      errorCount: 1,
      issues: [expect.objectContaining({ rowNumber: 3, severity: 'error', field: 'phone' })],
    });
    // Read from the answer as sent: the parse above keeps only the fields it knows.
    expect(jsonAt(response.body, 'issues', '0')).not.toHaveProperty('raw');
    const importId = report.importId;
    expect(report.errorsCsvUrl).toBe(`/api/imports/${importId}/errors.csv`);

    const leads = await leadPage(x);
    expect(leads.leads.map((l) => l.phone)).toEqual(['+14155550101', '+12125550102']);

    const status = await importStatus(x, importId);
    expect(status).toMatchObject({
      id: importId,
      campaignId: CAMPAIGN,
      fileName: 'october.csv',
      mode: 'skip_existing',
      status: 'completed',
      phase: 'completed',
      percent: 100,
      counts: { accepted: 2, rejected: 1 },
      issues: [expect.objectContaining({ rowNumber: 3 })],
    });

    const errors = await x.call('GET', `/api/imports/${importId}/errors.csv`);
    expect(errors.status).toBe(200);
    expect(errors.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(errors.headers.get('content-disposition')).toContain('october-errors.csv');
    expect(textOf(errors).split('\n')[0]).toBe('phone,name,import_row,import_error');
    expect(textOf(errors)).toContain('not a number,Bob,3,phone:');
  });

  it('imports the file of a multipart form, with its mode field', async () => {
    const x = await setUp();
    const first = await send(x, IMPORT, {
      method: 'POST',
      body: form('phone,name\n+14155550101,Ada\n'),
    });
    expect(first.status).toBe(200);
    expect(reportOf(first).counts.accepted).toBe(1);

    const again = 'phone,name\n+14155550101,Ada Lovelace\n+14155550102,Grace\n';
    const skipped = await send(x, IMPORT, { method: 'POST', body: form(again) });
    expect(reportOf(skipped).counts).toMatchObject({ accepted: 1, duplicates: 1, updated: 0 });
    const updated = await send(x, `${IMPORT}?mode=skip_existing`, {
      method: 'POST',
      body: form(again, { mode: 'update_existing' }),
    });
    const updatedReport = reportOf(updated);
    expect(updatedReport.counts).toMatchObject({ updated: 2, accepted: 0 });
    const status = await importStatus(x, updatedReport.importId);
    expect(status).toMatchObject({ fileName: 'my leads.csv', mode: 'update_existing' });
    const leads = await leadPage(x, { q: 'Ada' });
    expect(leads.leads[0]?.name).toBe('Ada Lovelace');
  });

  it('imports the sample CSV it serves without a warning', async () => {
    const x = await setUp();
    const sample = await x.call('GET', `/api/campaigns/${CAMPAIGN}/leads/sample.csv`);
    expect(sample.status).toBe(200);
    expect(sample.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(sample.headers.get('content-disposition')).toContain('dialstate-leads-sample.csv');
    const imported = await x.call('POST', IMPORT, textOf(sample), { 'content-type': 'text/csv' });
    expect(reportOf(imported)).toMatchObject({
      counts: { accepted: 4 },
      errorCount: 0,
      warningCount: 0,
    });
    expect((await x.call('GET', '/api/campaigns/nope/leads/sample.csv')).status).toBe(404);
  });

  it('answers an unreadable file with 400 and its import record, keeping no lead', async () => {
    const x = await setUp();
    const csv = 'phone,name\n+14155550101,"Ada\n+14155550102,Grace\n';
    const response = await x.call('POST', IMPORT, csv, { 'content-type': 'text/csv' });
    expect(response.status).toBe(400);
    const error = errorOf(response);
    expect(error.code).toBe('validation');
    expect(error.message).toMatch(/cannot be imported: .*quote/);
    const failed = importReportSchema.parse(jsonAt(error.details, 'import'));
    expect(failed).toMatchObject({ status: 'failed' });
    const status = await importStatus(x, failed.importId);
    expect(status).toMatchObject({ status: 'failed', phase: 'failed' });
    expect((await leadPage(x)).leads).toEqual([]);
  });
});

describe('importing a large file in the background', () => {
  it('answers 202 with the import id, reports progress, and removes the spooled file', async () => {
    const x = await setUp({ leadUploads: { inMemoryBytes: 4 * 1024 } });
    const csv = leadsCsv(2_000);
    const response = await send(x, IMPORT, { method: 'POST', body: form(csv) });
    expect(response.status).toBe(202);
    const { importId, statusUrl, status } = acceptedOf(response);
    expect(status).toBe('running');
    expect(statusUrl).toBe(`/api/imports/${importId}`);
    expect(response.headers.get('location')).toBe(statusUrl);

    const early = await importStatus(x, importId);
    expect(['running', 'completed']).toContain(early.status);
    expect(early.bytesTotal).toBe(Buffer.byteLength(csv));

    await x.importsSettled();
    const done = await importStatus(x, importId);
    expect(done).toMatchObject({
      status: 'completed',
      phase: 'completed',
      percent: 100,
      bytesRead: Buffer.byteLength(csv),
      counts: { totalRows: 2_000, accepted: 2_000, rejected: 0 },
      errorsCsvUrl: null,
    });
    // The harness's clock stands still while the import runs: no rate to report.
    expect(done).toMatchObject({ elapsedMs: 0, rowsPerSecond: null });
    expect(readdirSync(x.dir.path).filter((f) => f.startsWith('dialstate-upload-'))).toEqual([]);
    expect((await leadPage(x, { limit: '200' })).hasMore).toBe(true);
  });

  it('imports a large text/csv body in the background too', async () => {
    const x = await setUp({ leadUploads: { inMemoryBytes: 1024 } });
    const csv = `${leadsCsv(300)}garbage,\n`;
    const response = await x.call('POST', IMPORT, csv, { 'content-type': 'text/csv' });
    expect(response.status).toBe(202);
    const { importId, statusUrl } = acceptedOf(response);
    expect(statusUrl).toBe(`/api/imports/${importId}`);
    await x.importsSettled();
    const done = await importStatus(x, importId);
    expect(done).toMatchObject({
      status: 'completed',
      counts: { accepted: 300, rejected: 1 },
    });
    const errorsCsvUrl = `/api/imports/${importId}/errors.csv`;
    expect(done.errorsCsvUrl).toBe(errorsCsvUrl);
    const errors = await x.call('GET', errorsCsvUrl);
    expect(textOf(errors).trim().split('\n')).toHaveLength(2);
  });
});

describe('refusing uploads', () => {
  it('refuses other content types and files that are not CSV with 415', async () => {
    const x = await setUp();
    const json = await x.call('POST', IMPORT, { phone: '+14155550101' });
    expect(json.status).toBe(415);
    expect(errorOf(json).code).toBe('unsupportedMediaType');
    const image = await send(x, IMPORT, { method: 'POST', body: form('GIF89a', {}, 'image/gif') });
    expect(image.status).toBe(415);
    const xls = new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
    const workbook = await send(x, IMPORT, { method: 'POST', body: form(xls) });
    expect(workbook.status).toBe(415);
    expect(errorOf(workbook).message).toMatch(/\.xls workbook.*\.xlsx workbook/);
    const declared = await x.call('POST', IMPORT, '%PDF-1.7 …', { 'content-type': 'text/csv' });
    expect(declared.status).toBe(415);
  });

  it('refuses a file over the limit with 413, declared or streamed', async () => {
    const x = await setUp({ leadUploads: { maxBytes: 2 * 1024, inMemoryBytes: 1024 } });
    const declared = await x.call('POST', IMPORT, 'phone\n', {
      'content-type': 'text/csv',
      'content-length': String(10 * 1024 * 1024),
    });
    expect(declared.status).toBe(413);
    expect(errorOf(declared)).toMatchObject({
      code: 'payloadTooLarge',
      details: { maxBytes: 2048 },
    });

    const endless = endlessBody(new TextEncoder().encode('+14155550101,Ada\n'.repeat(64)));
    const streamed = await send(x, IMPORT, {
      ...endless.init({ 'content-type': 'text/csv' }),
      method: 'POST',
    });
    expect(streamed.status).toBe(413);
    expect(endless.pulled()).toBeLessThan(10);

    const multipart = await send(x, IMPORT, { method: 'POST', body: form(leadsCsv(200)) });
    expect(multipart.status).toBe(413);
    expect(readdirSync(x.dir.path).filter((f) => f.startsWith('dialstate-upload-'))).toEqual([]);
  });

  it('refuses broken forms, bad modes, unknown and archived campaigns', async () => {
    const x = await setUp();
    const noFile = new FormData();
    noFile.append('mode', 'skip_existing');
    const missing = await send(x, IMPORT, { method: 'POST', body: noFile });
    expect(missing.status).toBe(400);
    expect(errorOf(missing).message).toMatch(/"file"/);

    const truncated = await send(x, IMPORT, {
      method: 'POST',
      body: '--xyz\r\ncontent-disposition: form-data; name="file"; filename="a.csv"\r\n\r\nphone\n+1415',
      headers: { 'content-type': 'multipart/form-data; boundary=xyz' },
    });
    expect(truncated.status).toBe(400);
    expect(errorOf(truncated).message).toMatch(/multipart/);

    const badField = await send(x, IMPORT, {
      method: 'POST',
      body: form('phone\n', { mode: 'merge' }),
    });
    expect(badField.status).toBe(400);
    expect(issuesOf(errorOf(badField))).toEqual([
      { path: 'body.mode', message: expect.any(String) },
    ]);
    const badQuery = await x.call('POST', `${IMPORT}?mode=merge`, 'phone\n', {
      'content-type': 'text/csv',
    });
    expect(badQuery.status).toBe(400);

    const nobody = await x.call('POST', '/api/campaigns/nope/leads/import', 'phone\n', {
      'content-type': 'text/csv',
    });
    expect(nobody.status).toBe(404);
    expect((await x.refused('$get', '/imports/:id', { param: { id: 'nope' } })).status).toBe(404);
    expect((await x.call('GET', '/api/imports/nope/errors.csv')).status).toBe(404);

    expect((await x.api('$post', '/campaigns/:id/archive', campaign)).status).toBe(200);
    const archived = await x.call('POST', IMPORT, 'phone\n+14155550101\n', {
      'content-type': 'text/csv',
    });
    expect(archived.status).toBe(409);
  });
});
