import { join } from 'node:path';
import { type Kysely, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { importLeads } from '../../src/intake/import-leads.js';
import { createSimulator } from '../../src/sim/simulator.js';
import { createDncRepository } from '../../src/store/dnc.js';
import { createLeadIntakeStore } from '../../src/store/lead-import/lead-intake-store.js';
import { countRows } from '../../src/store/postgres/copy-from-sqlite.js';
import { createPostgresLeadIntakeStore } from '../../src/store/postgres/lead-intake-store.js';
import { openPostgres } from '../../src/store/postgres/open-postgres.js';
import { verifyCopy } from '../../src/store/postgres/verify-copy.js';
import type { Database } from '../../src/store/schema.js';
import { useCleanup } from '../support/cleanup.js';
import { chunks, rows } from '../support/csv-chunks.js';
import { dialstate } from '../support/dialstate-cli.js';
import { startHumanCampaign, untilLeadsFinished } from '../support/human-campaign-run.js';
import { createPostgresDatabase, postgresAvailable } from '../support/postgres.js';
import { createTempDir, openMigratedStore, T0 } from '../support/store-fixtures.js';

/**
 * `dialstate migrate --to`: a database the real engine wrote (a campaign dialed to the
 * end against the simulator, an import with issues, do-not-call entries) is copied into
 * PostgreSQL by the real command, and the copy matches it.
 */

const CAMPAIGN = 'campaign-migrated';
const USER = 'dialstate';
const PASSWORD = 'migrate-to';
/** Put in the URL: the test server trusts local connections, so it is never checked. */
const SECRET = 'not-to-be-printed-7f3a';

const later = useCleanup();

/** Every row of `table` in key order, as comparable JSON (PostgreSQL's own `rowid` left out). */
async function tableRows(db: Kysely<Database>, table: string, order: string): Promise<string> {
  const { rows: found } = await sql<Record<string, unknown>>`
    select * from ${sql.table(table)} order by ${sql.raw(order)}`.execute(db);
  return JSON.stringify(
    found.map((row) => Object.fromEntries(Object.entries(row).filter(([key]) => key !== 'rowid'))),
  );
}

describe.skipIf(!postgresAvailable())('dialstate migrate --to postgres://', () => {
  it('copies a database the engine wrote, verifies it, and refuses to copy twice', async () => {
    const sim = createSimulator({ user: USER, password: PASSWORD, timeScale: 0.05 });
    later(() => sim.stop());
    const { url: ariUrl } = await sim.start();
    const dir = createTempDir();
    later(dir.remove);
    const engine = await startHumanCampaign({
      dir,
      ari: { url: ariUrl, user: USER, password: PASSWORD },
      campaignId: CAMPAIGN,
      leads: 12,
      prefix: '55509',
      maxConcurrent: 4,
    });
    let engineRunning = true;
    later(async () => {
      if (engineRunning) await engine.stop();
    });
    const sqlite = await openMigratedStore(dir);
    later(() => sqlite.close());
    await untilLeadsFinished(sqlite);
    await engine.stop();
    engineRunning = false;
    // An import with a rejected row, and do-not-call entries of both scopes.
    const imported = await importLeads(
      {
        store: createLeadIntakeStore(sqlite),
        clock: { now: () => T0 },
        newImportId: () => 'import-migrated',
      },
      {
        campaignId: CAMPAIGN,
        fileName: 'more.csv',
        source: chunks(`phone,name\n${rows(30)}bad,Row\n`),
      },
    );
    expect(imported.ok && imported.report.status).toBe('completed');
    const dnc = createDncRepository(sqlite.db);
    await dnc.add({ campaignId: null, phone: '+14155550100', reason: 'asked', createdAt: T0 });
    await dnc.add({ campaignId: CAMPAIGN, phone: '+14155550101', reason: null, createdAt: T0 });
    await sqlite.close();

    const database = await createPostgresDatabase({ migrated: false });
    later(() => database.drop());
    const target = new URL(database.url);
    target.password = SECRET;
    const dbPath = join(dir.path, 'dialstate.db');
    const copied = await dialstate('migrate', '--to', target.toString(), '--db', dbPath);
    expect(copied.stderr).toBe('');
    expect(copied.code).toBe(0);
    expect(copied.stdout).toMatch(/lead: 42 \/ 42 rows/);
    expect(copied.stdout).toMatch(
      /verified: .* rows in 15 tables, counters equal, \d+ ended attempts replayed/,
    );
    expect(copied.stdout).toContain(':***@');
    expect(copied.stdout).not.toContain(SECRET);

    const source = await openMigratedStore(dir);
    later(() => source.close());
    const postgres = openPostgres({ url: database.url, maxConnections: 2 });
    later(() => postgres.close());
    expect(await countRows(postgres.db)).toEqual(await countRows(source.db));
    const attempts = await countRows(source.db);
    expect(attempts.find((table) => table.table === 'attempt')?.rows).toBeGreaterThanOrEqual(12);
    expect(attempts.find((table) => table.table === 'recording')?.rows).toBeGreaterThan(0);
    for (const [table, order] of [
      ['campaign', 'id'],
      ['lead', 'id'],
      ['attempt', 'id'],
      ['attempt_event', 'attempt_id, seq'],
      ['lead_import_issue', 'import_id, row_number'],
      ['dnc', 'id'],
      ['answered_call', 'attempt_id'],
      ['campaign_outcome_bucket', 'campaign_id, bucket, outcome'],
    ] as const) {
      expect(await tableRows(postgres.db, table, order), table).toBe(
        await tableRows(source.db, table, order),
      );
    }
    // Pages in rowid order find the same leads; a lead added now comes after them all.
    const leadOrder = (db: Kysely<Database>) =>
      db.selectFrom('lead').select('id').orderBy(sql`rowid`).execute();
    expect(await leadOrder(postgres.db)).toEqual(await leadOrder(source.db));
    const added = await createPostgresLeadIntakeStore(postgres.db).insertLead({
      id: 'after-the-copy',
      campaignId: CAMPAIGN,
      phone: '+14155550199',
      name: null,
      timezone: null,
      callerId: null,
      customVars: {},
      state: 'pending',
      note: null,
      createdAt: T0,
    });
    expect(added).toEqual({ ok: true });
    expect((await leadOrder(postgres.db)).at(-1)?.id).toBe('after-the-copy');

    const again = await dialstate('migrate', '--to', target.toString(), '--db', dbPath);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/not empty \(.*campaign: 1 rows, .*lead: 43 rows/);
    expect(`${again.stdout}${again.stderr}`).not.toContain(SECRET);

    // The verifier replays from the copy: a journal step changed there is caught.
    const ended = await postgres.db
      .selectFrom('attempt')
      .select('id')
      .where('done', '=', 1)
      .orderBy('id')
      .executeTakeFirstOrThrow();
    await postgres.db
      .updateTable('attempt_event')
      .set({ state: 'somewhere.else' })
      .where('attempt_id', '=', ended.id)
      .where('seq', '=', 1)
      .execute();
    const checked = await verifyCopy({ source: source.db, target: postgres.db, sample: 1000 });
    expect(checked.ok).toBe(false);
    expect(checked.replayFailures.map((failure) => failure.attemptId)).toEqual([ended.id]);
  });

  it('reports counters that differ between the source and the copy', async () => {
    const dir = createTempDir();
    later(dir.remove);
    const source = await openMigratedStore(dir);
    later(() => source.close());
    const database = await createPostgresDatabase();
    later(() => database.drop());
    const postgres = openPostgres({ url: database.url, maxConnections: 2 });
    later(() => postgres.close());
    // An empty copy is a copy: nothing to replay, nothing differs.
    expect(await verifyCopy({ source: source.db, target: postgres.db })).toMatchObject({
      ok: true,
      replayed: 0,
    });
    await source.db
      .insertInto('campaign_lead_count')
      .values({ campaign_id: 'c', state: 'pending', n: 1 })
      .execute();
    expect(await verifyCopy({ source: source.db, target: postgres.db })).toMatchObject({
      ok: false,
      counters: ['campaign_lead_count'],
    });
  });
});
