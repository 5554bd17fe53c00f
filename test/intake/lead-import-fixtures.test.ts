import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Campaign } from '../../src/campaign/campaign.js';
import type { CsvLimits } from '../../src/intake/csv-reader.js';
import type { LeadImportCounts, LeadImportMode } from '../../src/intake/lead-import.js';
import { createLeadImportRepository } from '../../src/store/lead-import/lead-imports.js';
import type { Store } from '../../src/store/sqlite/db.js';
import {
  addDncEntries,
  addExistingLeads,
  leadsOf,
  openIntakeStore,
  runImport,
} from '../support/lead-intake.js';

/**
 * Every `test/fixtures/csv/<name>.csv` is imported and checked against its sibling
 * `<name>.expected.json`: the setup it needs, then the exact outcome — status, error,
 * counts, every issue, and every lead the campaign ends up with.
 */
interface Fixture {
  description: string;
  campaign?: Partial<Pick<Campaign, 'defaultRegion' | 'allowExtensions'>>;
  mode?: LeadImportMode;
  limits?: Partial<CsvLimits>;
  existing?: string[];
  dnc?: { phone: string; campaign?: boolean; reason?: string | null }[];
  status: 'completed' | 'failed';
  error: string | null;
  counts: LeadImportCounts;
  /** `[row, severity, field, reason]`, in row order. */
  issues: [number, 'error' | 'warning', string | null, string][];
  leads: Awaited<ReturnType<typeof leadsOf>>;
}

const DIR = join(import.meta.dirname, '../fixtures/csv');
const FIXTURES = readdirSync(DIR)
  .filter((name) => name.endsWith('.csv'))
  .map((name) => name.slice(0, -'.csv'.length))
  .sort();

let store: Store | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

describe('CSV fixtures', () => {
  it('has an expected result for each of at least 25 fixtures', () => {
    expect(FIXTURES.length).toBeGreaterThanOrEqual(25);
    for (const name of FIXTURES) {
      expect(() => readFileSync(join(DIR, `${name}.expected.json`))).not.toThrow();
    }
  });

  for (const name of FIXTURES) {
    const fixture = JSON.parse(readFileSync(join(DIR, `${name}.expected.json`), 'utf8')) as Fixture;
    it(`${name}: ${fixture.description}`, async () => {
      store = await openIntakeStore(fixture.campaign);
      await addExistingLeads(store, fixture.existing ?? []);
      await addDncEntries(store, fixture.dnc ?? []);
      // Small chunks: multi-byte characters, BOMs and quotes get split across them.
      const report = await runImport(
        store,
        { file: join(DIR, `${name}.csv`), chunkBytes: 7 },
        { mode: fixture.mode, limits: fixture.limits },
      );
      const issues = await createLeadImportRepository(store.db).listIssues(report.importId);
      const imported = await leadsOf(store);
      expect({
        status: report.status,
        error: report.error,
        counts: report.counts,
        issues: issues.map((issue) => [issue.rowNumber, issue.severity, issue.field, issue.reason]),
        leads: imported,
      }).toEqual({
        status: fixture.status,
        error: fixture.error,
        counts: fixture.counts,
        issues: fixture.issues,
        leads: fixture.leads,
      });
    });
  }
});
