import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCampaignRepository } from '../../src/store/campaigns.js';
import type { Store } from '../../src/store/db.js';
import {
  createLeadImportRepository,
  type LeadImportIssue,
  type LeadImportRepository,
} from '../../src/store/lead-imports.js';
import { createLeadRepository } from '../../src/store/leads.js';
import {
  createTempDir,
  openMigratedStore,
  sampleCampaign,
  sampleLead,
  T0,
  type TempDir,
} from '../support/store-fixtures.js';

const CAMPAIGN = 'campaign-reminders';

let dir: TempDir;
let store: Store;
let imports: LeadImportRepository;
beforeEach(async () => {
  dir = createTempDir();
  store = await openMigratedStore(dir);
  await createCampaignRepository(store.db).insert(sampleCampaign({ id: CAMPAIGN }));
  imports = createLeadImportRepository(store.db);
});
afterEach(async () => {
  await store.close();
  dir.remove();
});

const COUNTS = { totalRows: 4, accepted: 2, updated: 0, duplicates: 1, rejected: 1, dncBlocked: 0 };
const ISSUES: LeadImportIssue[] = [
  {
    rowNumber: 4,
    severity: 'error',
    field: 'phone',
    value: '12',
    reason: 'not a phone number',
    raw: 'Ann,12',
  },
  { rowNumber: 2, severity: 'warning', field: 'timezone', value: null, reason: 'empty', raw: null },
];

describe('lead import repository', () => {
  it('records an import from start to finish with its counts and issues in row order', async () => {
    await imports.start({
      id: 'import-1',
      campaignId: CAMPAIGN,
      fileName: 'leads.csv',
      mode: 'skip_existing',
      startedAt: T0,
    });
    expect(await imports.get('import-1')).toMatchObject({ status: 'running', totalRows: 0 });

    await imports.addIssues('import-1', ISSUES);
    expect(
      await imports.finish(
        'import-1',
        { status: 'completed', counts: COUNTS, error: null },
        T0 + 50,
      ),
    ).toBe(true);

    expect(await imports.get('import-1')).toEqual({
      id: 'import-1',
      campaignId: CAMPAIGN,
      fileName: 'leads.csv',
      mode: 'skip_existing',
      status: 'completed',
      ...COUNTS,
      error: null,
      startedAt: T0,
      finishedAt: T0 + 50,
    });
    expect(await imports.listIssues('import-1')).toEqual([ISSUES[1], ISSUES[0]]);
  });

  it('finishes an import only once', async () => {
    await imports.start({
      id: 'import-1',
      campaignId: CAMPAIGN,
      fileName: 'leads.csv',
      mode: 'update_existing',
      startedAt: T0,
    });
    const failed = { status: 'failed' as const, counts: COUNTS, error: 'stream closed' };
    expect(await imports.finish('import-1', failed, T0 + 1)).toBe(true);
    expect(await imports.finish('import-1', failed, T0 + 2)).toBe(false);
    expect((await imports.get('import-1'))?.finishedAt).toBe(T0 + 1);
  });

  it('lists the imports of a campaign newest first', async () => {
    for (const [id, startedAt] of [
      ['import-old', T0],
      ['import-new', T0 + 10],
    ] as const) {
      await imports.start({
        id,
        campaignId: CAMPAIGN,
        fileName: `${id}.csv`,
        mode: 'skip_existing',
        startedAt,
      });
    }
    expect((await imports.listByCampaign(CAMPAIGN)).map((i) => i.id)).toEqual([
      'import-new',
      'import-old',
    ]);
  });

  it('deletes an import with its issues and keeps the leads it brought', async () => {
    await imports.start({
      id: 'import-1',
      campaignId: CAMPAIGN,
      fileName: 'leads.csv',
      mode: 'skip_existing',
      startedAt: T0,
    });
    await imports.addIssues('import-1', ISSUES);
    const leads = createLeadRepository(store.db);
    await leads.insert([sampleLead(CAMPAIGN, 1, { importId: 'import-1' })]);

    expect(await imports.delete('import-1')).toBe(true);
    expect(await imports.get('import-1')).toBeUndefined();
    expect(await imports.listIssues('import-1')).toEqual([]);
    expect(await leads.get('lead-1')).toBeDefined();
  });
});
