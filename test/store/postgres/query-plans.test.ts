import { CompiledQuery, Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAttemptListReader } from '../../../src/store/attempt-list.js';
import { createCampaignStatsReader } from '../../../src/store/campaign-stats.js';
import { createDncRepository } from '../../../src/store/dnc.js';
import { createDncPageReader } from '../../../src/store/dnc-page-reader.js';
import { createLeadListReader } from '../../../src/store/lead-list.js';
import { PG_CLAIM_SQL } from '../../../src/store/postgres/postgres-lead-claims.js';
import type { Database } from '../../../src/store/schema.js';
import { seedAttempt, seedCampaign, seedLeads } from '../../support/contract-seed.js';
import {
  createPostgresDatabase,
  postgresAvailable,
  type TestPostgresDatabase,
} from '../../support/postgres.js';
import { sampleLead } from '../../support/store-fixtures.js';

/**
 * The shared readers' queries can be served by the PostgreSQL indexes meant for them: a
 * collation or a type that differs from the index's (text against citext, "C" against
 * the database's) would leave a scan. With sequential scans priced out, each statement's
 * plan must read the named index. (SQLite's plans are checked in the tests of each
 * reader.)
 */

/** Every statement run through `db` since the last `take`, with its parameters. */
const statements: CompiledQuery[] = [];
let database: TestPostgresDatabase;
let db: Kysely<Database>;

/** The indexes the plans of the statements `work` runs read, one list per statement. */
async function indexesRead(work: () => Promise<unknown>): Promise<string[][]> {
  statements.length = 0;
  await work();
  const taken = statements.splice(0);
  const plans: string[][] = [];
  for (const statement of taken) {
    const { rows } = await db.executeQuery<{ 'QUERY PLAN': unknown }>(
      CompiledQuery.raw(`explain (format json) ${statement.sql}`, [...statement.parameters]),
    );
    const text = JSON.stringify(rows[0]?.['QUERY PLAN']);
    plans.push([...text.matchAll(/"Index Name":"(\w+)"/g)].map((match) => match[1] ?? ''));
  }
  return plans;
}

describe.skipIf(!postgresAvailable())('the PostgreSQL plans of the shared readers', () => {
  beforeAll(async () => {
    database = await createPostgresDatabase();
    // One connection, so that the planner setting below holds for every statement.
    db = new Kysely<Database>({
      dialect: new PostgresDialect({
        pool: new pg.Pool({ connectionString: database.url, max: 1 }),
      }),
      log: (event) => {
        if (event.level === 'query') statements.push(event.query);
      },
    });
    await seedCampaign(db, { id: 'c1' });
    await seedLeads(
      db,
      Array.from({ length: 40 }, (_, i) =>
        sampleLead('c1', i + 1, { name: ['Ada', 'bea'][i % 2] ?? null }),
      ),
    );
    await seedAttempt(db, { id: 'a1', campaignId: 'c1', leadId: 'lead-1' });
    await createDncRepository(db).add({
      campaignId: null,
      phone: '+15550001111',
      reason: null,
      createdAt: 0,
    });
    await sql`analyze`.execute(db);
    await sql`set enable_seqscan = off`.execute(db);
  });
  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });

  it('reads lead pages through the lead indexes: import order, state, phone and name searches', async () => {
    const reader = createLeadListReader(db);
    const page = (filter: Parameters<typeof reader.page>[1]) =>
      indexesRead(() => reader.page('c1', filter, { limit: 10 }));
    expect((await page({}))[0]).toEqual(['lead_campaign_import_seq']);
    // Every lead here is pending: reading import order and filtering costs the same.
    expect(['lead_campaign_state', 'lead_campaign_import_seq']).toContain(
      (await page({ state: 'pending' }))[0]?.[0],
    );
    // A prefix range of numbers: one campaign here, so both indexes on the number serve.
    expect(['lead_campaign_phone_unique', 'lead_phone']).toContain(
      (await page({ search: { kind: 'phone', prefixes: ['+1555020'] } }))[0]?.[0],
    );
    expect((await page({ search: { kind: 'name', prefix: 'AD' } }))[0]).toEqual([
      'lead_campaign_name',
    ]);
    const next = await reader.page('c1', {}, { limit: 5 });
    const after = next.next ?? undefined;
    const plans = await indexesRead(() => reader.page('c1', {}, { limit: 5, after }));
    expect(plans[0]).toEqual(['lead_campaign_import_seq']);
    // The page's rows, by their rowids.
    expect(plans[1]).toContain('lead_rowid');
  });

  it("reads a campaign's attempts, its open attempts and a do-not-call scope through their indexes", async () => {
    const attempts = createAttemptListReader(db);
    expect((await indexesRead(() => attempts.pageByCampaign('c1', { limit: 10 })))[0]).toContain(
      'attempt_campaign',
    );
    const stats = createCampaignStatsReader(db);
    expect((await indexesRead(() => stats.countOpenAttempts('c1')))[0]).toEqual(['attempt_open']);
    const pages = createDncPageReader(db);
    expect((await indexesRead(() => pages.page(null, { limit: 10 })))[0]).toEqual([
      'dnc_scope_phone',
    ]);
    expect(
      (await indexesRead(() => createDncRepository(db).isBlocked('+15550001111', 'c1')))[0],
    ).toEqual(['dnc_scope_phone']);
  });

  it("finds a number's attempts in every campaign through lead_phone and attempt_lead (the frequency caps)", async () => {
    const { rows } = await db.executeQuery<{ 'QUERY PLAN': unknown }>(
      CompiledQuery.raw(`explain (format json) ${PG_CLAIM_SQL.attemptsToPhone}`, [
        '+15550001111',
        0,
        3,
      ]),
    );
    const indexes = [
      ...JSON.stringify(rows[0]?.['QUERY PLAN']).matchAll(/"Index Name":"(\w+)"/g),
    ].map((match) => match[1]);
    // Looked up campaign by campaign instead, the number would cost one probe per campaign
    // (bench/cap-query.ts): the index on the number alone stays.
    expect(indexes).toEqual(expect.arrayContaining(['lead_phone', 'attempt_lead']));
  });
});
