import { existsSync, readdirSync } from 'node:fs';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { importLeads } from '../../../src/intake/import-leads.js';
import { createCampaignRepository } from '../../../src/store/campaigns.js';
import { resumeImportMerges } from '../../../src/store/lead-import/lead-import-resume.js';
import { createLeadImportRepository } from '../../../src/store/lead-import/lead-imports.js';
import { createLeadIntakeStore } from '../../../src/store/lead-import/lead-intake-store.js';
import { phoneZonesColumn } from '../../../src/store/phone-zones.js';
import type { Store } from '../../../src/store/sqlite/db.js';
import type { SlicedWorkOptions } from '../../../src/store/sqlite/sliced-work.js';
import { fileStorePerTest } from '../../support/file-store.js';
import { sampleCampaign, T0 } from '../../support/store-fixtures.js';

const CAMPAIGN = 'campaign-reminders';
/**
 * Most CPU time one slice may take (ms). The slice target is ~35 ms (MERGE_SLICE_MS) plus
 * the chunk under way; a merge of these rows in one transaction takes 1–3 s. CPU time
 * rather than wall time: on a loaded machine a slice's wall time also counts the time
 * its thread waited for a core, which says nothing about the slice.
 */
const SLICE_BOUND_MS = 150;
const silent = pino({ level: 'silent' });

const files = fileStorePerTest();

async function prepare(): Promise<Store> {
  const store = await files.open({ synchronous: 'NORMAL' });
  await createCampaignRepository(store.db).insert(sampleCampaign({ id: CAMPAIGN }));
  return store;
}

function rows(from: number, count: number): string {
  let text = '';
  for (let n = from; n < from + count; n++) text += `+1415${2_000_000 + n},Lead ${n}\n`;
  return text;
}

function count(s: Store, sql: string): number {
  return (s.prepare(sql).all([CAMPAIGN]) as { n: number }[])[0]?.n ?? 0;
}
const leadCount = (s: Store) => count(s, 'select count(*) as n from lead where campaign_id = ?');
const pendingCount = (s: Store) =>
  count(s, `select count(*) as n from lead where campaign_id = ? and state = 'pending'`);

/**
 * The merge's time budget per slice in these tests (ms): smaller than the product's, so
 * that a merge of a few thousand rows takes many slices however fast the machine is.
 */
const TEST_SLICE_MS = 5;

function importInto(
  s: Store,
  source: AsyncIterable<string>,
  slices: Pick<SlicedWorkOptions, 'onSlice'> = {},
) {
  return importLeads(
    {
      store: createLeadIntakeStore(s, { sliceMs: TEST_SLICE_MS, ...slices }),
      clock: { now: () => T0 },
      newImportId: () => 'import-s',
    },
    { campaignId: CAMPAIGN, fileName: 'leads.csv', source, bytesTotal: null },
  );
}

/**
 * Imports 20,000 rows whose merge fails right after slice `slice` committed, as if the
 * process died there: the import stays running, its staging file is left for a restart.
 */
async function importBrokenOffAfterSlice(s: Store, slice: number): Promise<void> {
  let seen = 0;
  async function* file() {
    yield 'phone,name\n';
    yield rows(0, 20_000);
  }
  await expect(
    importInto(s, file(), {
      onSlice: () => {
        seen += 1;
        if (seen === slice) throw new Error('power cut');
      },
    }),
  ).rejects.toThrow('power cut');
}

describe('an import merged in slices', () => {
  it('holds the event loop no longer than a slice at a time, and adds every row', async () => {
    const s = await prepare();
    const ROWS = 30_000;
    const slices: number[] = [];
    const slicesCpu: number[] = [];
    async function* file() {
      yield 'phone,name\n';
      for (let n = 0; n < ROWS; n += 5000) yield rows(n, 5000);
    }
    const result = await importInto(s, file(), {
      onSlice: (ms, cpuMs) => {
        slices.push(ms);
        slicesCpu.push(cpuMs);
      },
    });
    if (!result.ok) throw new Error('refused');
    expect(result.report.status).toBe('completed');
    expect(result.report.counts.accepted).toBe(ROWS);
    expect(leadCount(s)).toBe(ROWS);
    expect(slices.length).toBeGreaterThan(5);
    expect(Math.max(...slicesCpu)).toBeLessThan(SLICE_BOUND_MS);
    expect(result.report.mergeBlockedMs).toBe(Math.max(...slices));
    // The staging file is gone with the merge.
    expect(readdirSync(files.path()).filter((f) => f.includes('-import-'))).toEqual([]);
  });

  it('adds no lead, claimable or not, while the file is still being read', async () => {
    const s = await prepare();
    let release: (() => void) | undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let staged: (() => void) | undefined;
    const someStaged = new Promise<void>((resolve) => {
      staged = resolve;
    });
    async function* file() {
      yield 'phone,name\n';
      yield rows(0, 10_000);
      yield rows(10_000, 10_000);
      staged?.();
      await held;
      yield rows(20_000, 100);
    }
    const importing = importInto(s, file());
    await someStaged;
    // 20,000 rows read and staged: none of them is a lead yet, so none can be claimed.
    expect(leadCount(s)).toBe(0);
    expect(pendingCount(s)).toBe(0);
    expect(
      count(s, 'select ifnull(sum(n), 0) as n from campaign_lead_count where campaign_id = ?'),
    ).toBe(0);
    release?.();
    const result = await importing;
    if (!result.ok) throw new Error('refused');
    expect(result.report.status).toBe('completed');
    expect(pendingCount(s)).toBe(20_100);
  });

  it('is finished by the next start when it broke off half way', async () => {
    const s = await prepare();
    await importBrokenOffAfterSlice(s, 3);
    const half = leadCount(s);
    expect(half).toBeGreaterThan(0);
    expect(half).toBeLessThan(20_000);
    const imports = createLeadImportRepository(s.db);
    expect((await imports.get('import-s'))?.status).toBe('running');
    // A restart's recovery leaves a merge under way alone, and the resumer finishes it.
    expect(await imports.failRunning('interrupted', T0)).toEqual([]);
    const resumer = resumeImportMerges({ store: s, log: silent, now: () => T0 });
    await resumer.done;
    expect(leadCount(s)).toBe(20_000);
    expect(await imports.get('import-s')).toMatchObject({
      status: 'completed',
      accepted: 20_000,
      totalRows: 20_000,
      duplicates: 0,
    });
    expect(existsSync(`${files.path()}/dialstate.db-import-import-s`)).toBe(false);
  });

  it("stores each lead with its number's zones, worked out when the row was staged", async () => {
    const s = await prepare();
    async function* file() {
      yield 'phone,name\n+14155550100,A\n+12125550101,B\n+442079460102,C\n+18005550103,D\n';
    }
    const result = await importInto(s, file());
    if (!result.ok) throw new Error('refused');
    const leads = s
      .prepare('select phone, phone_zones from lead where campaign_id = ? order by import_seq')
      .all([CAMPAIGN]) as { phone: string; phone_zones: string | null }[];
    expect(leads.map((lead) => lead.phone_zones)).toEqual([
      'America/Los_Angeles',
      'America/New_York',
      'Europe/London',
      null, // toll-free: NANP's whole list, no zone of its own
    ]);
    for (const lead of leads) expect(lead.phone_zones).toBe(phoneZonesColumn(lead.phone));
  });

  it('finishes a merge whose rows were staged without their zones (an earlier version), mapping them in SQL', async () => {
    const s = await prepare();
    await importBrokenOffAfterSlice(s, 2);
    // The staging file as a version before the zones column would have left it.
    const staging = `${files.path()}/dialstate.db-import-import-s`;
    s.prepare('attach database ? as old_stage').run([staging]);
    s.prepare('alter table old_stage.lead_import_rows drop column phone_zones').run([]);
    s.prepare('detach database old_stage').run([]);
    await resumeImportMerges({ store: s, log: silent, now: () => T0 }).done;
    expect(leadCount(s)).toBe(20_000);
    // Every lead has its zones, those merged before the break and those after.
    expect(
      count(
        s,
        `select count(*) as n from lead where campaign_id = ? and phone_zones = 'America/Los_Angeles'`,
      ),
    ).toBe(20_000);
  });
});
