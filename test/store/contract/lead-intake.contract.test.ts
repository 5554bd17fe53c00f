import type { Kysely } from 'kysely';
import { expect, it } from 'vitest';
import { importLeads } from '../../../src/intake/import-leads.js';
import type { LeadImportStore } from '../../../src/intake/lead-intake-ports.js';
import { createCampaignRepository } from '../../../src/store/campaigns.js';
import { createDncRepository } from '../../../src/store/dnc.js';
import { LOST_STAGING_ERROR } from '../../../src/store/lead-import/lead-import-resume.js';
import { phoneZonesColumn } from '../../../src/store/phone-zones.js';
import type { Database } from '../../../src/store/schema.js';
import { chunks, rows } from '../../support/csv-chunks.js';
import {
  describeEachIntakeStore,
  type IntakeStoreUnderTest,
} from '../../support/each-intake-store.js';
import { sampleCampaign, T0 } from '../../support/store-fixtures.js';

const CAMPAIGN = 'campaign-reminders';

let importNumber = 0;

/** Runs the real import service over `source`; resolves to its report. */
async function runImport(
  store: LeadImportStore,
  source: AsyncIterable<string>,
  mode: 'skip_existing' | 'update_existing' = 'skip_existing',
) {
  const result = await importLeads(
    { store, clock: { now: () => T0 }, newImportId: () => `import-${++importNumber}` },
    { campaignId: CAMPAIGN, fileName: 'leads.csv', source, mode },
  );
  if (!result.ok) throw new Error(`import refused: ${result.reason}`);
  return result.report;
}

/** The campaign's leads in import order, with what the import decides. */
async function leadsOf(db: Kysely<Database>) {
  const leads = await db
    .selectFrom('lead')
    .select(['id', 'phone', 'name', 'state', 'custom_vars', 'last_error', 'import_seq'])
    .select('phone_zones')
    .where('campaign_id', '=', CAMPAIGN)
    .orderBy('import_seq')
    .execute();
  return leads;
}

async function leadCounter(db: Kysely<Database>): Promise<Record<string, number>> {
  const counts = await db
    .selectFrom('campaign_lead_count')
    .select(['state', 'n'])
    .where('campaign_id', '=', CAMPAIGN)
    .where('n', '>', 0)
    .execute();
  return Object.fromEntries(counts.map((row) => [row.state, row.n]));
}

async function seed(store: IntakeStoreUnderTest): Promise<void> {
  await createCampaignRepository(store.db).insert(sampleCampaign({ id: CAMPAIGN }));
}

/** Adds a lead by hand, as the API's "add lead" does. */
async function addLead(store: IntakeStoreUnderTest, id: string, phone: string, vars = {}) {
  return store.intake().insertLead({
    id,
    campaignId: CAMPAIGN,
    phone,
    name: `Existing ${id}`,
    timezone: null,
    callerId: null,
    customVars: { kept: 'yes', appointment: 'old', ...vars },
    state: 'pending',
    note: null,
    createdAt: T0,
  });
}

describeEachIntakeStore('lead imports', (store) => {
  it('skip_existing: new numbers become leads in row order, known ones, repeats and blocked ones are counted', async () => {
    await seed(store());
    await addLead(store(), 'existing-1', '+14152000001');
    const dnc = createDncRepository(store().db);
    await dnc.add({ campaignId: null, phone: '+14152000003', reason: 'global ask', createdAt: T0 });
    await dnc.add({ campaignId: CAMPAIGN, phone: '+14152000004', reason: null, createdAt: T0 });
    const report = await runImport(
      store().intake(),
      chunks(`phone,name\n${rows(6)}`, '+14152000002,Again\nnot a number,Bad\n'),
    );
    expect(report.status).toBe('completed');
    expect(report.counts).toEqual({
      totalRows: 8,
      accepted: 3,
      updated: 0,
      duplicates: 2,
      rejected: 1,
      dncBlocked: 2,
    });
    const leads = await leadsOf(store().db);
    expect(leads.map((lead) => [lead.phone, lead.name, lead.state, lead.import_seq])).toEqual([
      ['+14152000001', 'Existing existing-1', 'pending', 1],
      ['+14152000000', 'Lead 0', 'pending', 2],
      ['+14152000002', 'Lead 2', 'pending', 4],
      ['+14152000003', 'Lead 3', 'dnc', 5],
      ['+14152000004', 'Lead 4', 'dnc', 6],
      ['+14152000005', 'Lead 5', 'pending', 7],
    ]);
    // Ids from the import and row, zones derived from the number, as SQLite writes them.
    expect(leads[1]?.id).toBe(`${report.importId}-00000001`);
    expect(leads[1]?.phone_zones).toBe(phoneZonesColumn('+14152000000'));
    expect(leads[1]?.phone_zones).toBe('America/Los_Angeles');
    expect(leads.find((lead) => lead.phone === '+14152000003')?.last_error).toMatch(/global ask/);
    expect(await leadCounter(store().db)).toEqual({ pending: 4, dnc: 2 });
    const issues = await store().imports.listIssues(report.importId);
    expect(issues.map((issue) => [issue.rowNumber, issue.severity])).toEqual([
      [2, 'warning'],
      [4, 'warning'],
      [5, 'warning'],
      [7, 'warning'],
      [8, 'error'],
    ]);
    const stored = await store().imports.get(report.importId);
    expect(stored).toMatchObject({ status: 'completed', accepted: 3, dncBlocked: 2 });
    expect(await store().stagingsLeft()).toBe(0);
  });

  it('update_existing: known numbers keep what the row leaves empty, custom variables merge in order', async () => {
    await seed(store());
    await addLead(store(), 'existing-1', '+14152000000', { z: 'first' });
    await addLead(store(), 'existing-2', '+14152000001');
    await createDncRepository(store().db).add({
      campaignId: null,
      phone: '+14152000001',
      reason: 'asked',
      createdAt: T0,
    });
    const report = await runImport(
      store().intake(),
      chunks(
        'phone,name,appointment,extra\n+14152000000,,new,"a ""quoted"" é"\n+14152000001,Renamed,,\n+14152000002,Fresh,x,\n',
      ),
      'update_existing',
    );
    expect(report.counts).toEqual({
      totalRows: 3,
      accepted: 1,
      updated: 1,
      duplicates: 0,
      rejected: 0,
      dncBlocked: 1,
    });
    const leads = await leadsOf(store().db);
    expect(leads.map((lead) => [lead.phone, lead.name, lead.state])).toEqual([
      ['+14152000000', 'Existing existing-1', 'pending'],
      ['+14152000001', 'Renamed', 'dnc'],
      ['+14152000002', 'Fresh', 'pending'],
    ]);
    // Byte for byte what SQLite's json_patch writes: the lead's keys in their order,
    // then the row's new ones, compact.
    expect(leads[0]?.custom_vars).toBe(
      '{"kept":"yes","appointment":"new","z":"first","extra":"a \\"quoted\\" é"}',
    );
    expect(leads[1]?.last_error).toMatch(/asked/);
    expect(await leadCounter(store().db)).toEqual({ pending: 2, dnc: 1 });
  });

  it('a file that fails half way adds no lead, and its staging is gone', async () => {
    await seed(store());
    const failure = new Error('disk read failed');
    await expect(
      runImport(
        store().intake(),
        chunks(`phone,name\n${rows(300)}bad,Row\n`, rows(300, 300), failure),
      ),
    ).rejects.toBe(failure);
    expect(await leadsOf(store().db)).toEqual([]);
    expect(await leadCounter(store().db)).toEqual({});
    const [report] = await store().imports.listByCampaign(CAMPAIGN);
    expect(report).toMatchObject({
      status: 'failed',
      accepted: 0,
      error: 'failed: disk read failed',
    });
    expect(await store().stagingsLeft()).toBe(0);
  });

  it('staged rows are no leads until the merge: nobody reads, counts or claims them', async () => {
    await seed(store());
    const run = await store().intake().begin({
      importId: 'import-staged',
      campaignId: CAMPAIGN,
      fileName: 'leads.csv',
      mode: 'skip_existing',
      bytesTotal: null,
      startedAt: T0,
    });
    await run.stage(
      [1, 2].map((n) => ({
        rowNumber: n,
        phone: `+1415200000${n}`,
        name: null,
        timezone: null,
        callerId: null,
        customVars: '{}',
        state: 'pending' as const,
        note: null,
      })),
      [{ rowNumber: 3, severity: 'error', field: 'phone', value: 'x', reason: 'bad', raw: null }],
    );
    expect(await leadsOf(store().db)).toEqual([]);
    expect(await leadCounter(store().db)).toEqual({});
    // Issues too wait for the progress that publishes them.
    expect(await store().imports.listIssues('import-staged')).toEqual([]);
    const counts = {
      totalRows: 3,
      accepted: 2,
      updated: 0,
      duplicates: 0,
      rejected: 1,
      dncBlocked: 0,
    };
    expect(await run.saveProgress(counts, 100)).toBe(true);
    expect(await store().imports.listIssues('import-staged')).toHaveLength(1);
    // A number added by hand meanwhile is a late duplicate, skipped and listed.
    expect(await addLead(store(), 'by-hand', '+14152000002')).toEqual({ ok: true });
    const merged = await run.merge(() => counts, T0);
    expect(merged).toMatchObject({ ok: true, inserted: { pending: 1, dnc: 0 }, lateDuplicates: 1 });
    expect((await leadsOf(store().db)).map((lead) => lead.id)).toEqual([
      'by-hand',
      'import-staged-00000001',
    ]);
    const issues = await store().imports.listIssues('import-staged');
    expect(issues.map((issue) => [issue.rowNumber, issue.severity])).toEqual([
      [2, 'warning'],
      [3, 'error'],
    ]);
    expect(await store().imports.get('import-staged')).toMatchObject({
      status: 'completed',
      accepted: 1,
      duplicates: 1,
    });
  });

  it('a merge broken off half way is finished by the next start, each row once', async () => {
    await seed(store());
    const breaking = breakingAfterFirstChunk(store());
    await expect(runImport(breaking, chunks(`phone,name\n${rows(900)}`))).rejects.toThrow(
      /went away/,
    );
    const [started] = await store().imports.listByCampaign(CAMPAIGN);
    expect(started?.status).toBe('running');
    const part = (await leadsOf(store().db)).length;
    expect(part).toBeGreaterThan(0);
    expect(part).toBeLessThan(900);
    // The start's order: imports still reading are failed, merges finish.
    expect(await store().imports.failRunning('interrupted', T0)).toEqual([]);
    await store().resumeMerges().done;
    const leads = await leadsOf(store().db);
    expect(leads.map((lead) => lead.import_seq)).toEqual(
      Array.from({ length: 900 }, (_, index) => index + 1),
    );
    expect(new Set(leads.map((lead) => lead.id)).size).toBe(900);
    expect(await store().imports.get(started?.id ?? '')).toMatchObject({
      status: 'completed',
      accepted: 900,
    });
    expect(await leadCounter(store().db)).toEqual({ pending: 900 });
    expect(await store().stagingsLeft()).toBe(0);
  });

  it('a merge whose staged rows are gone is marked failed, keeping what it merged', async () => {
    await seed(store());
    const breaking = breakingAfterFirstChunk(store());
    await expect(runImport(breaking, chunks(`phone,name\n${rows(900)}`))).rejects.toThrow();
    const [started] = await store().imports.listByCampaign(CAMPAIGN);
    await store().dropStagings();
    await store().resumeMerges().done;
    expect(await store().imports.get(started?.id ?? '')).toMatchObject({
      status: 'failed',
      error: LOST_STAGING_ERROR,
    });
  });

  it('an import cut off while reading is failed at the start and its staging dropped', async () => {
    await seed(store());
    const run = await store().intake().begin({
      importId: 'import-cut',
      campaignId: CAMPAIGN,
      fileName: 'leads.csv',
      mode: 'skip_existing',
      bytesTotal: null,
      startedAt: T0,
    });
    await run.stage([], []);
    // The process stops here: no fail, no merge. The next start:
    expect(await store().imports.failRunning('interrupted', T0)).toEqual(['import-cut']);
    await store().resumeMerges().done;
    if (store().dialect === 'postgres') expect(await store().stagingsLeft()).toBe(0);
    expect(await leadsOf(store().db)).toEqual([]);
  });

  it('a lead added by hand goes last; its number twice gives the lead that has it', async () => {
    await seed(store());
    expect(await addLead(store(), 'a', '+14152000000')).toEqual({ ok: true });
    expect(await addLead(store(), 'b', '+14152000001')).toEqual({ ok: true });
    expect(await addLead(store(), 'c', '+14152000000')).toEqual({
      ok: false,
      existingLeadId: 'a',
    });
    const leads = await leadsOf(store().db);
    expect(leads.map((lead) => [lead.id, lead.import_seq])).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
    const intake = store().intake();
    expect(await intake.findExisting(CAMPAIGN, ['+14152000001', '+14152000009'])).toEqual(
      new Set(['+14152000001']),
    );
    const dnc = createDncRepository(store().db);
    await dnc.add({ campaignId: CAMPAIGN, phone: '+14152000005', reason: 'c', createdAt: T0 });
    await dnc.add({ campaignId: null, phone: '+14152000005', reason: 'g', createdAt: T0 });
    await createCampaignRepository(store().db).insert(sampleCampaign({ id: 'other' }));
    await dnc.add({ campaignId: 'other', phone: '+14152000006', reason: 'o', createdAt: T0 });
    expect(await intake.findBlocked(CAMPAIGN, ['+14152000005', '+14152000006'])).toEqual(
      new Map([['+14152000005', { scope: 'global', reason: 'g' }]]),
    );
  });
});

/** An intake whose import merges break off after their first chunk, as an I/O error would. */
function breakingAfterFirstChunk(store: IntakeStoreUnderTest): LeadImportStore {
  let slices = 0;
  return store.intake(() => {
    slices += 1;
    if (slices === 1) throw new Error('the database went away');
  });
}
