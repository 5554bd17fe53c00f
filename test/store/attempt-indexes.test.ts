import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCampaignRepository } from '../../src/store/campaigns.js';
import { COMMIT_SQL, CREATE_SQL } from '../../src/store/journal/attempt-journal.js';
import { CLAIM_SQL } from '../../src/store/lead-claims.js';
import { createLeadRepository } from '../../src/store/leads.js';
import { migrateTo, migrateToLatest } from '../../src/store/migrate.js';
import { openDatabase, type Store } from '../../src/store/sqlite/db.js';
import {
  createTempDir,
  sampleCampaign,
  sampleLead,
  type TempDir,
} from '../support/store-fixtures.js';

/**
 * Every B-tree a claim or a call event writes costs time in the claim's unit and the
 * journal's commit (docs/BENCHMARKS.md). The indexes of the tables they write are listed
 * here on purpose: one added or dropped has to be a deliberate change of this list.
 * Each entry says which reads need it.
 */
const INDEXES: Record<string, string[]> = {
  attempt: [
    'attempt_campaign', // evidence export by campaign; recent outcomes; campaign delete
    'attempt_lead', // a lead's attempts; "has an open attempt"; lead delete
    'attempt_open', // open attempts: recovery, live counts, metrics
    'sqlite_autoindex_attempt_1', // primary key: every event finds its attempt by id
  ],
  attempt_input: ['sqlite_autoindex_attempt_input_1'], // primary key: restore and replay
  // WITHOUT ROWID: its primary key's B-tree is the table itself, not an index beside it.
  attempt_timer: ['sqlite_autoindex_attempt_timer_1'],
  attempt_event: ['attempt_event_seq'], // an attempt's journal in order; gap-free seqs
  lead: [
    'lead_campaign_import_seq', // lead list in import order
    'lead_campaign_name', // lead list by name, name search
    'lead_campaign_state', // lead list by state; dialing leads of a campaign
    'lead_campaign_state_outcome', // lead list by outcome
    'lead_claim', // the claim's candidates (partial: pending only)
    'lead_import_id', // deleting an import
    'lead_phone', // frequency caps: a number's calls in every campaign
    'sqlite_autoindex_lead_1', // primary key
    'sqlite_autoindex_lead_2', // one lead per phone in a campaign
  ],
};

let dir: TempDir;
let store: Store;
beforeEach(async () => {
  dir = createTempDir();
  store = openDatabase({ path: join(dir.path, 'indexes.db') });
  await migrateToLatest(store.db);
});
afterEach(async () => {
  await store.close();
  dir.remove();
});

function planOf(statement: string, parameters: unknown[]): string {
  const rows = store.prepare(`explain query plan ${statement}`).all(parameters) as {
    detail: string;
  }[];
  return rows.map((row) => row.detail).join('\n');
}

describe('indexes of the tables a claim and a call event write', () => {
  it('are exactly the ones the reads use', async () => {
    for (const [table, expected] of Object.entries(INDEXES)) {
      const { rows } = await sql<{ name: string }>`select name from pragma_index_list(${table})
        order by name`.execute(store.db);
      expect({ table, indexes: rows.map((row) => row.name) }).toEqual({ table, indexes: expected });
    }
  });

  it('keeps the timers clustered on their key, with no rowid, and the large input rows apart', async () => {
    const withoutRowid: Record<string, number | undefined> = {};
    for (const table of ['attempt_input', 'attempt_timer']) {
      const { rows } = await sql<{
        wr: number;
      }>`select wr from pragma_table_list(${table})`.execute(store.db);
      withoutRowid[table] = rows[0]?.wr;
    }
    expect(withoutRowid).toEqual({ attempt_input: 0, attempt_timer: 1 });
  });

  it('plans every statement of a claim and of a journal commit through an index', () => {
    const statements: [string, string, unknown[]][] = [
      ['dueLead', CLAIM_SQL.dueLead, ['c', 1]],
      ['dueLeads', CLAIM_SQL.dueLeads, ['c', 1, 0]],
      ['finish', CLAIM_SQL.finish, ['failed', null, 1, 'l']],
      ['claimLead', CREATE_SQL.claimLead, ['a', 'a', 1, 'l', 'c']],
      ['markOriginate', CREATE_SQL.markOriginate, [1, 1, 'c']],
      ['update', COMMIT_SQL.update, [...Array.from({ length: 16 }, () => null), 'a', 1]],
      ['updateFinal', COMMIT_SQL.updateFinal, [...Array.from({ length: 16 }, () => null), 'a', 1]],
      ['deleteTimers', COMMIT_SQL.deleteTimers, ['a']],
      ['deleteTimer', COMMIT_SQL.deleteTimer, ['a', 't']],
      ['moveLead', COMMIT_SQL.moveLead, ['done', null, null, null, 1, 'l', 'a']],
    ];
    for (const [name, statement, parameters] of statements) {
      const plan = planOf(statement, parameters);
      expect({ name, plan }).toEqual({
        name,
        plan: expect.stringMatching(/USING (INDEX|PRIMARY KEY|COVERING INDEX|INTEGER PRIMARY KEY)/),
      });
      expect({ name, plan }).toEqual({ name, plan: expect.not.stringMatching(/\bSCAN\b/) });
    }
  });

  it('keeps rows, rowids and foreign keys through the rebuild', async () => {
    // Seeded at the schema before the trim, then migrated: an attempt with its input,
    // a timer and an event, and the attempt list's rowid order kept.
    const old = openDatabase({ path: join(dir.path, 'old.db') });
    try {
      await migrateTo(old.db, '202612061440_background_delete_and_merge');
      const now = 1_700_000_000_000;
      await createCampaignRepository(old.db).insert(sampleCampaign({ id: 'c' }));
      await createLeadRepository(old.db).insert([sampleLead('c', 1, { id: 'l' })]);
      for (const id of ['a2', 'a1']) {
        await sql`insert into attempt (id, campaign_id, lead_id, attempt_number, machine_version,
            channel_id, snapshot, state, done, seq, created_at, updated_at)
          values (${id}, 'c', 'l', 1, 2, ${`dialstate-${id}`}, '{}', 'dialing', 0, 1, ${now}, ${now})`.execute(
          old.db,
        );
        await sql`insert into attempt_input (attempt_id, input) values (${id}, '{}')`.execute(
          old.db,
        );
        await sql`insert into attempt_timer (attempt_id, timer_id, due_at) values (${id}, 'ring', 5)`.execute(
          old.db,
        );
        await sql`insert into attempt_event (attempt_id, seq, at, type, payload, state, commands, timers)
          values (${id}, 1, ${now}, 'START', '{}', 's', '[]', '[]')`.execute(old.db);
      }
      const rowids = async () =>
        (
          await sql<{
            id: string;
            rowid: number;
          }>`select id, rowid from attempt order by rowid`.execute(old.db)
        ).rows;
      const order = await rowids();
      expect(order.map((row) => row.id)).toEqual(['a2', 'a1']);

      // The trim is the first migration after the seeded schema; later ones follow it.
      expect((await migrateToLatest(old.db))[0]).toBe('202612061500_attempt_write_trim');
      expect(await rowids()).toEqual(order);
      const count = async (table: string) =>
        Number(
          (await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(old.db))
            .rows[0]?.n,
        );
      for (const table of ['attempt_input', 'attempt_timer', 'attempt_event']) {
        expect({ table, rows: await count(table) }).toEqual({ table, rows: 2 });
      }
      // Foreign keys are back on and still cascade from the rebuilt attempt table.
      await sql`delete from attempt where id = 'a1'`.execute(old.db);
      for (const table of ['attempt_input', 'attempt_timer', 'attempt_event']) {
        expect({ table, rows: await count(table) }).toEqual({ table, rows: 1 });
      }
      // And the outcome counters' triggers were recreated with the table.
      await sql`update attempt set done = 1, outcome = 'busy', ended_at = ${now} where id = 'a2'`.execute(
        old.db,
      );
      const { rows } = await sql<{ n: number }>`select n from campaign_outcome_count
        where campaign_id = 'c' and outcome = 'busy'`.execute(old.db);
      expect(rows).toEqual([{ n: 1 }]);

      // And back down: the unique index and the rowid timer table return, rows kept.
      await migrateTo(old.db, '202612061440_background_delete_and_merge');
      expect(await rowids()).toEqual(order.filter((row) => row.id === 'a2'));
      const { rows: indexes } = await sql<{ name: string }>`select name
        from pragma_index_list('attempt') where "unique" = 1 order by name`.execute(old.db);
      expect(indexes.map((index) => index.name)).toEqual([
        'sqlite_autoindex_attempt_1',
        'sqlite_autoindex_attempt_2',
      ]);
      const { rows: timerKind } = await sql<{
        wr: number;
      }>`select wr from pragma_table_list('attempt_timer')`.execute(old.db);
      expect(timerKind).toEqual([{ wr: 0 }]);
      expect(await count('attempt_timer')).toBe(1);
    } finally {
      await old.close();
    }
  });
});
