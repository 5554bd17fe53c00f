import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { importLeads, type LeadImportProgress } from '../../src/intake/import-leads.js';
import { SAMPLE_LEADS_CSV } from '../../src/intake/lead-csv-sample.js';
import { errorCsvChunks } from '../../src/intake/lead-import-error-csv.js';
import {
  MAX_STORED_REJECTED_ROWS,
  MAX_STORED_WARNINGS,
} from '../../src/intake/lead-import-tally.js';
import { createLeadImportRepository } from '../../src/store/lead-import/lead-imports.js';
import { createLeadIntakeStore } from '../../src/store/lead-import/lead-intake-store.js';
import { createLeadRepository } from '../../src/store/leads.js';
import type { Store } from '../../src/store/sqlite/db.js';
import { chunks, rows } from '../support/csv-chunks.js';
import {
  addDncEntries,
  addExistingLeads,
  CAMPAIGN_ID,
  leadsOf,
  openIntakeStore,
  runImport,
} from '../support/lead-intake.js';
import { sampleLead, T0 } from '../support/store-fixtures.js';

const FIXTURES = join(import.meta.dirname, '../fixtures/csv');

let store: Store;
afterEach(async () => {
  await store?.close();
});

function importFrom(source: AsyncIterable<string>, onProgress?: (p: LeadImportProgress) => void) {
  return importLeads(
    {
      store: createLeadIntakeStore(store),
      clock: { now: () => T0 },
      newImportId: () => 'import-x',
    },
    { campaignId: CAMPAIGN_ID, fileName: 'leads.csv', source, bytesTotal: null, onProgress },
  );
}

describe('importLeads', () => {
  it('refuses an unknown campaign and a campaign whose region reads no numbers', async () => {
    store = await openIntakeStore();
    const unknown = await importLeads(
      { store: createLeadIntakeStore(store), clock: { now: () => T0 }, newImportId: () => 'x' },
      { campaignId: 'nope', fileName: 'a.csv', source: chunks('phone\n') },
    );
    expect(unknown).toEqual({ ok: false, reason: 'campaignNotFound' });
    await store.close();

    store = await openIntakeStore({ defaultRegion: 'XX' });
    const result = await importFrom(chunks('phone\n'));
    expect(result).toMatchObject({ ok: false, reason: 'invalidCampaign' });
  });

  it('refuses an archived campaign with the reason, keeping no import and no lead', async () => {
    store = await openIntakeStore({ status: 'archived' });
    const result = await importFrom(chunks('phone\n+12125550101\n'));
    expect(result).toEqual({
      ok: false,
      reason: 'campaignClosed',
      message: 'an archived campaign takes no leads; unarchive it first',
    });
    expect(await store.db.selectFrom('lead').select('id').execute()).toEqual([]);
    expect(await store.db.selectFrom('lead_import').select('id').execute()).toEqual([]);
  });

  it('reports progress batch by batch, then the merge, with counts that add up', async () => {
    store = await openIntakeStore();
    const seen: LeadImportProgress[] = [];
    const text = `phone,name\n${rows(10_000)}not a number,x\n${rows(1)}`;
    const report = await runImport(
      store,
      { text },
      {
        bytesTotal: Buffer.byteLength(text),
        onProgress: (progress) => seen.push(progress),
      },
    );
    // 10,002 rows in batches of 1,024: ten batches.
    expect(seen.map((p) => p.phase)).toEqual([
      ...Array.from({ length: 10 }, () => 'reading'),
      'merging',
      'completed',
    ]);
    expect(seen.at(-1)?.percent).toBe(100);
    expect(seen[0]?.counts.totalRows).toBe(1024);
    expect(report.counts).toEqual({
      totalRows: 10_002,
      accepted: 10_000,
      updated: 0,
      duplicates: 1,
      rejected: 1,
      dncBlocked: 0,
    });
    expect(report.mergeBlockedMs).toBeGreaterThan(0);
    const leads = await createLeadRepository(store.db).listByCampaign(CAMPAIGN_ID, {
      limit: 3,
      offset: 9_998,
    });
    // Import order is row order.
    expect(leads.map((lead) => [lead.importSeq, lead.name])).toEqual([
      [9_999, 'Lead 9998'],
      [10_000, 'Lead 9999'],
    ]);
  });

  it('adds nothing when the file turns out broken after some rows were staged', async () => {
    store = await openIntakeStore();
    const result = await importFrom(
      chunks('phone,name\n', rows(9_000), '+1 415 555 0101,"never closed\n'),
    );
    expect(result).toMatchObject({
      ok: true,
      report: {
        status: 'failed',
        error: 'row 9001 opens a quoted field that is never closed: the file ends inside quotes',
      },
    });
    expect(await leadsOf(store)).toEqual([]);
    expect(await createLeadImportRepository(store.db).get('import-x')).toMatchObject({
      status: 'failed',
      accepted: 0,
      totalRows: 8192,
    });
  });

  it('adds nothing and lets the error through when the source fails', async () => {
    store = await openIntakeStore();
    const failure = new Error('connection reset while uploading');
    await expect(importFrom(chunks('phone,name\n', rows(5_000), failure))).rejects.toBe(failure);
    expect(await leadsOf(store)).toEqual([]);
    expect(await createLeadImportRepository(store.db).get('import-x')).toMatchObject({
      status: 'failed',
      error: 'failed: connection reset while uploading',
    });
  });

  it('counts a number that became a lead while the file was read as a duplicate', async () => {
    store = await openIntakeStore();
    const leads = createLeadRepository(store.db);
    const result = await importFrom(chunks('phone,name\n', rows(3)), (progress) => {
      // Queued on the connection ahead of the merge, as another import or a form would be.
      if (progress.phase === 'merging') {
        void leads.insert([
          sampleLead(CAMPAIGN_ID, 1, { id: 'by-hand', phone: '+14152000001', name: 'By hand' }),
        ]);
      }
    });
    expect(result.ok && result.report.counts).toMatchObject({ accepted: 2, duplicates: 1 });
    const issues = await createLeadImportRepository(store.db).listIssues('import-x');
    expect(issues.map((issue) => [issue.rowNumber, issue.reason])).toEqual([
      [2, 'already a lead of this campaign (added while the file was read); skipped'],
    ]);
    // Imported after the lead added by hand (import_seq 1): rows 1 and 3 come as 2 and 4.
    expect((await leadsOf(store)).map((lead) => lead.name)).toEqual([
      'By hand',
      'Lead 0',
      'Lead 2',
    ]);
  });

  it('updates existing leads and blocks them when their number is on a do-not-call list', async () => {
    store = await openIntakeStore();
    await addExistingLeads(store, ['+14152000000', '+14152000001']);
    await addDncEntries(store, [
      { phone: '+14152000001', reason: 'asked' },
      { phone: '+14152000002', campaign: true },
    ]);
    const report = await runImport(
      store,
      { text: `phone,name\n${rows(4)}` },
      { mode: 'update_existing' },
    );
    expect(report.counts).toEqual({
      totalRows: 4,
      accepted: 1,
      updated: 1,
      duplicates: 0,
      rejected: 0,
      dncBlocked: 2,
    });
    expect((await leadsOf(store)).map((lead) => [lead.phone, lead.name, lead.state])).toEqual([
      ['+14152000000', 'Lead 0', 'pending'],
      ['+14152000001', 'Lead 1', 'dnc'],
      ['+14152000002', 'Lead 2', 'dnc'],
      ['+14152000003', 'Lead 3', 'pending'],
    ]);
    const blocked = await createLeadRepository(store.db).get('existing-2');
    expect(blocked?.lastError).toBe('on the global do-not-call list (asked)');
  });

  it('keeps every error but only the first warnings, and says how many it left out', async () => {
    store = await openIntakeStore();
    // Each row warns (unknown time zone); the last one is rejected.
    let text = 'phone,timezone\n';
    for (let n = 0; n < MAX_STORED_WARNINGS + 5; n++)
      text += `+1415${2_000_000 + n},Nowhere/Land\n`;
    text += 'bad,Nowhere/Land\n';
    const report = await runImport(store, { text });
    expect(report.warningCount).toBe(MAX_STORED_WARNINGS + 6);
    expect(report.errorCount).toBe(1);
    expect(report.issues).toHaveLength(100);
    const issues = await createLeadImportRepository(store.db).listIssues(report.importId);
    expect(issues.filter((issue) => issue.severity === 'error')).toHaveLength(1);
    expect(issues.filter((issue) => issue.severity === 'warning')).toHaveLength(
      MAX_STORED_WARNINGS + 1,
    );
    expect(issues[0]).toMatchObject({
      rowNumber: 0,
      reason: '6 more warnings are counted but not listed (the first 10000 are)',
    });
  });

  it('keeps the first rejected rows only, counting them all, and the error CSV lists those', async () => {
    store = await openIntakeStore();
    let text = 'phone,name\n';
    for (let n = 0; n < MAX_STORED_REJECTED_ROWS + 7; n++) text += `not a number ${n},Lead ${n}\n`;
    text += '+14155550101,Ada\n';
    const report = await runImport(store, { text });
    expect(report.counts).toMatchObject({ rejected: MAX_STORED_REJECTED_ROWS + 7, accepted: 1 });
    expect(report.errorCount).toBe(MAX_STORED_REJECTED_ROWS + 7);
    const imports = createLeadImportRepository(store.db);
    const issues = await imports.listIssues(report.importId);
    const errors = issues.filter((issue) => issue.severity === 'error');
    expect(errors).toHaveLength(MAX_STORED_REJECTED_ROWS);
    expect(errors.at(-1)?.rowNumber).toBe(MAX_STORED_REJECTED_ROWS);
    expect(issues[0]).toMatchObject({
      rowNumber: 0,
      reason:
        '7 more rejected rows are counted but not listed (the first 10000 are, in the error CSV)',
    });
    let csv = '';
    async function* pages() {
      yield errors;
    }
    for await (const piece of errorCsvChunks(['phone', 'name'], pages())) csv += piece;
    expect(csv.trim().split('\n')).toHaveLength(1 + MAX_STORED_REJECTED_ROWS);
  });

  it('runs two imports into one campaign at once, each number once', async () => {
    store = await openIntakeStore();
    const [first, second] = await Promise.all([
      runImport(store, { text: `phone,name\n${rows(6_000)}` }),
      runImport(store, { text: `phone,name\n${rows(6_000, 3_000)}` }),
    ]);
    const leads = await leadsOf(store);
    expect(leads).toHaveLength(9_000);
    expect(new Set(leads.map((lead) => lead.phone)).size).toBe(9_000);
    expect(first.counts.accepted + second.counts.accepted).toBe(9_000);
    expect(first.counts.duplicates + second.counts.duplicates).toBe(3_000);
  });

  it('imports the sample CSV without a single issue', async () => {
    store = await openIntakeStore();
    const report = await runImport(store, { text: SAMPLE_LEADS_CSV });
    expect(report.counts).toMatchObject({ totalRows: 4, accepted: 4, rejected: 0 });
    expect(report.errorCount + report.warningCount).toBe(0);
  });

  it('writes rejected rows to an error CSV that imports again once fixed', async () => {
    store = await openIntakeStore();
    const text =
      'phone,name,note\n+1 415 555 0101,Ada,ok\n415-555-01,"Smith, J",short\nnope,Bad,"x\ny"\n';
    const report = await runImport(store, { text });
    const csv = await errorCsvOf(report.importId);
    expect(csv).toBe(
      [
        'phone,name,note,import_row,import_error',
        '415-555-01,"Smith, J",short,2,phone: wrong number of digits for a US number',
        'nope,Bad,"x\ny",3,phone: not a phone number',
        '',
      ].join('\n'),
    );
    const fixed = csv.replace('415-555-01', '415-555-0102').replace('nope', '415-555-0103');
    const again = await runImport(store, { text: fixed });
    expect(again.counts).toMatchObject({ accepted: 2, rejected: 0 });
    expect((await leadsOf(store)).map((lead) => lead.customVars)).toEqual([
      { note: 'ok' },
      { note: 'short' },
      { note: 'x\ny' },
    ]);
  });

  it('escapes formula cells in the error CSV but leaves phone numbers importable', async () => {
    store = await openIntakeStore();
    const report = await runImport(store, { file: join(FIXTURES, 'formula-cells.csv') });
    const csv = await errorCsvOf(report.importId);
    expect(csv).toBe(
      [
        'phone,name,note,import_row,import_error',
        '"\'=HYPERLINK(""http://evil.example/"",""click"")",Mallory,x,2,phone: not a phone number',
        "+1 415 555 01,'=1+2,'@SUM(A1),3,phone: wrong number of digits for a +1 number",
        "'+1+cmd|' /C calc'!A0,'-2+3,'\ttabbed,4,phone: not a phone number",
        '',
      ].join('\n'),
    );
    // The operator fixes the short number: it imports as written, `+` and all; the
    // escaped name keeps its apostrophe, so it is text wherever it is shown again.
    const again = await runImport(store, {
      text: csv.replace('+1 415 555 01,', '+1 415 555 0102,'),
    });
    expect(again.counts).toMatchObject({ accepted: 1, rejected: 2 });
    expect((await leadsOf(store)).map((lead) => [lead.phone, lead.name])).toEqual([
      ['+14155550100', 'Valid'],
      ['+14155550102', "'=1+2"],
    ]);
  });
});

/** The error CSV of an import, as `/api/imports/{id}/errors.csv` writes it. */
async function errorCsvOf(importId: string): Promise<string> {
  const imports = createLeadImportRepository(store.db);
  const header = (await imports.get(importId))?.header ?? [];
  let csv = '';
  for await (const chunk of errorCsvChunks(
    header,
    (async function* () {
      yield await imports.listIssues(importId, { severity: 'error' });
    })(),
  )) {
    csv += chunk;
  }
  return csv;
}

describe("imported leads' number zones", () => {
  it('derives the zones of every imported number as it is merged', async () => {
    store = await openIntakeStore();
    const text =
      'phone,name,timezone\n+1 907 555 0100,Adak or Anchorage,\n+1 415 555 0100,SF,\n+1 800 555 0100,Toll free,\n+1 212 555 0100,Own zone,Europe/Paris\n';
    await runImport(store, { text });
    const rows = await store.db
      .selectFrom('lead')
      .select(['phone', 'timezone', 'phone_zones'])
      .orderBy('import_seq')
      .execute();
    expect(rows).toEqual([
      { phone: '+19075550100', timezone: null, phone_zones: 'America/Adak America/Anchorage' },
      { phone: '+14155550100', timezone: null, phone_zones: 'America/Los_Angeles' },
      { phone: '+18005550100', timezone: null, phone_zones: null },
      // Kept even with a zone of its own: the lead's zone wins at the claim.
      { phone: '+12125550100', timezone: 'Europe/Paris', phone_zones: 'America/New_York' },
    ]);
  });
});
