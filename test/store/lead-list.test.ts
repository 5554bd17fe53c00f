import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LEAD_STATES } from '../../src/campaign/retry-policy.js';
import type { LeadFilter } from '../../src/control/lead-reads.js';
import { createAttemptListReader } from '../../src/store/attempt-list.js';
import { createCampaignRepository } from '../../src/store/campaigns.js';
import { createLeadListReader } from '../../src/store/lead-list.js';
import { createLeadRepository } from '../../src/store/leads.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import type { Database } from '../../src/store/schema.js';
import {
  createTempDir,
  sampleCampaign,
  sampleLead,
  type TempDir,
} from '../support/store-fixtures.js';

const CAMPAIGN = 'campaign-reminders';

let dir: TempDir;
let sqlite: SQLite.Database;
let db: Kysely<Database>;
/** Every statement run through `db`, with its parameters. */
const statements: { sql: string; parameters: readonly unknown[] }[] = [];

beforeAll(async () => {
  dir = createTempDir();
  sqlite = new SQLite(join(dir.path, 'plans.db'));
  db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: sqlite }),
    log: (event) => {
      if (event.level === 'query') {
        statements.push({ sql: event.query.sql, parameters: event.query.parameters });
      }
    },
  });
  await migrateToLatest(db);
  await createCampaignRepository(db).insert(sampleCampaign());
  await createLeadRepository(db).insert(
    Array.from({ length: 300 }, (_, i) =>
      sampleLead(CAMPAIGN, i + 1, {
        name: ['Ada', 'ada', 'Grace'][i % 3] ?? null,
        state: LEAD_STATES[i % 2 === 0 ? 0 : 5],
      }),
    ),
  );
  await db.updateTable('lead').set({ last_outcome: 'busy' }).where('import_seq', '<', 40).execute();
});

afterAll(async () => {
  await db.destroy();
  dir.remove();
});

/** The plan of every statement `work` runs, one line per step. */
async function plansOf(work: () => Promise<unknown>): Promise<string[]> {
  statements.length = 0;
  await work();
  return statements
    .filter(({ sql }) => /^select/i.test(sql))
    .map(({ sql, parameters }) =>
      (sqlite.prepare(`explain query plan ${sql}`).all(...parameters) as { detail: string }[])
        .map((row) => row.detail)
        .join(' | '),
    );
}

/** A plan that reads only through indexes and needs no sort. */
function expectIndexedWithoutSort(plan: string): void {
  expect(plan).not.toMatch(/\bSCAN\b/);
  expect(plan).not.toMatch(/TEMP B-TREE/);
}

describe('the lead list reads through indexes', () => {
  const reader = () => createLeadListReader(db);
  const filters: [string, LeadFilter][] = [
    ['no filter', {}],
    ['a state', { state: 'pending' }],
    ['an outcome', { outcome: 'busy' }],
    ['a state and an outcome', { state: 'pending', outcome: 'busy' }],
    ['a phone search', { search: { kind: 'phone', prefixes: ['+1555', '+15555'] } }],
    ['a name search', { search: { kind: 'name', prefix: 'ad' } }],
  ];

  for (const [what, filter] of filters) {
    it(`pages by ${what} without a scan or a sort, from the start and after a cursor`, async () => {
      const first = await reader().page(CAMPAIGN, filter, { limit: 7 });
      expect(first.next).not.toBeNull();
      const plans = await plansOf(() =>
        reader().page(CAMPAIGN, filter, { limit: 7, after: first.next ?? undefined }),
      );
      expect(plans.length).toBeGreaterThan(0);
      for (const plan of plans) expectIndexedWithoutSort(plan);
      for (const plan of await plansOf(() => reader().page(CAMPAIGN, filter, { limit: 7 }))) {
        expectIndexedWithoutSort(plan);
      }
    });
  }

  it('uses the state and outcome index for those filters', async () => {
    const plans = await plansOf(() =>
      reader().page(CAMPAIGN, { state: 'pending', outcome: 'busy' }, { limit: 5 }),
    );
    expect(plans[0]).toMatch(
      /lead_campaign_state_outcome \(campaign_id=\? AND state=\? AND last_outcome=\?\)/,
    );
  });

  it('merges the states of an outcome filter in import order', async () => {
    const page = await reader().page(CAMPAIGN, { outcome: 'busy' }, { limit: 100 });
    expect(page.leads.map((lead) => lead.importSeq)).toEqual(
      Array.from({ length: 39 }, (_, i) => i + 1),
    );
    expect(new Set(page.leads.map((lead) => lead.state))).toEqual(new Set(['pending', 'dnc']));
  });

  it('refuses a cursor of another order', async () => {
    await expect(
      reader().page(CAMPAIGN, {}, { limit: 5, after: { order: 'phone', phone: '+1' } }),
    ).rejects.toThrow(/phone cursor/);
  });
});

describe('the attempt list reads through indexes', () => {
  it('pages newest first without a scan or a sort', async () => {
    const reader = createAttemptListReader(db);
    for (const after of [undefined, { createdAt: 1, rowid: 1 }]) {
      for (const order of ['newest', 'oldest'] as const) {
        const plans = await plansOf(() =>
          reader.pageByCampaign(CAMPAIGN, { limit: 10, after, order }),
        );
        for (const plan of plans) expectIndexedWithoutSort(plan);
      }
    }
  });
});
