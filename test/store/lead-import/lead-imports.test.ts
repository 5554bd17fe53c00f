import { beforeEach, describe, expect, it } from 'vitest';
import type { LeadImportIssue } from '../../../src/intake/lead-import.js';
import type { LeadImportRepository } from '../../../src/intake/lead-intake-ports.js';
import { createLeadImportRepository } from '../../../src/store/lead-import/lead-imports.js';
import { createLeadRepository } from '../../../src/store/leads.js';
import { sampleLead, T0 } from '../../support/store-fixtures.js';
import { useStoreWorkspace } from '../../support/store-workspace.js';

const CAMPAIGN = 'campaign-reminders';

const workspace = useStoreWorkspace({ campaigns: [{ id: CAMPAIGN }] });
let imports: LeadImportRepository;
beforeEach(() => {
  imports = createLeadImportRepository(workspace.store.db);
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
      header: null,
      bytesRead: 0,
      bytesTotal: null,
      startedAt: T0,
      finishedAt: T0 + 50,
    });
    expect(await imports.listIssues('import-1')).toEqual([ISSUES[1], ISSUES[0]]);
  });

  it('pages issues by whole rows, errors only when asked', async () => {
    await imports.start({
      id: 'import-1',
      campaignId: CAMPAIGN,
      fileName: 'leads.csv',
      mode: 'skip_existing',
      startedAt: T0,
    });
    const issue = (rowNumber: number, severity: 'error' | 'warning', reason: string) => ({
      rowNumber,
      severity,
      field: null,
      value: null,
      reason,
      raw: null,
    });
    await imports.addIssues('import-1', [
      issue(1, 'error', 'a'),
      issue(2, 'error', 'b'),
      issue(2, 'error', 'c'),
      issue(2, 'warning', 'd'),
      issue(3, 'error', 'e'),
    ]);
    const first = await imports.listIssues('import-1', { severity: 'error', limit: 2 });
    expect(first.map((i) => i.reason)).toEqual(['a', 'b', 'c']);
    const next = await imports.listIssues('import-1', { severity: 'error', limit: 2, afterRow: 2 });
    expect(next.map((i) => i.reason)).toEqual(['e']);
    expect(await imports.listIssues('import-1', { afterRow: 3, limit: 2 })).toEqual([]);
  });

  it('marks the imports a stopped process left running as failed', async () => {
    for (const id of ['import-1', 'import-2']) {
      await imports.start({
        id,
        campaignId: CAMPAIGN,
        fileName: 'leads.csv',
        mode: 'skip_existing',
        startedAt: T0,
      });
    }
    await imports.finish('import-2', { status: 'completed', counts: COUNTS, error: null }, T0 + 1);
    expect(await imports.failRunning('interrupted', T0 + 5)).toEqual(['import-1']);
    expect(await imports.get('import-1')).toMatchObject({
      status: 'failed',
      error: 'interrupted',
      finishedAt: T0 + 5,
    });
    expect((await imports.get('import-2'))?.status).toBe('completed');
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
    const leads = createLeadRepository(workspace.store.db);
    await leads.insert([sampleLead(CAMPAIGN, 1, { importId: 'import-1' })]);

    expect(await imports.delete('import-1')).toBe(true);
    expect(await imports.get('import-1')).toBeUndefined();
    expect(await imports.listIssues('import-1')).toEqual([]);
    expect(await leads.get('lead-1')).toBeDefined();
  });
});
