import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLAIM_SQL } from '../../src/store/lead-claims.js';
import {
  compareMigrationNames,
  knownMigrationNames,
  migrateToLatest,
} from '../../src/store/migrate.js';
import { knownPostgresMigrationNames } from '../../src/store/postgres/migrate-postgres.js';
import { openDatabase } from '../../src/store/sqlite/db.js';
import { createTempDir, type TempDir } from '../support/store-fixtures.js';

const TABLES = [
  'answered_call',
  'attempt',
  'attempt_event',
  'attempt_input',
  'attempt_timer',
  'campaign',
  'campaign_lead_count',
  'campaign_outcome_bucket',
  'campaign_outcome_count',
  'dialstate_node',
  'dnc',
  'lead',
  'lead_import',
  'lead_import_issue',
  'recording',
  'shipped_recording',
];

let dir: TempDir;
beforeEach(() => {
  dir = createTempDir();
});
afterEach(() => dir.remove());

describe('migrateToLatest', () => {
  it('creates every table on a fresh file and reports the migration it applied', async () => {
    const store = openDatabase({ path: join(dir.path, 'fresh.db') });
    try {
      expect(await migrateToLatest(store.db)).toEqual([
        '202611241400_initial',
        '202611241540_lead_recycled_attempts',
        '202611251200_shipped_recording',
        '202611251400_lead_import_progress',
        '202611261000_lead_list_indexes',
        '202611271000_campaign_counters',
        '202612061000_campaign_dial_string',
        '202612061200_dnc_opt_out_source',
        '202612061400_lead_phone_zones',
        '202612061410_campaign_blackouts_and_caps',
        '202612061420_answered_call_timing',
        '202612061430_campaign_abandonment_settings',
        '202612061440_background_delete_and_merge',
        '202612061500_attempt_write_trim',
        '202612061600_node_leases',
        '202612061610_campaign_pbxs',
      ]);
      const tables = await store.db.introspection.getTables();
      expect(tables.map((table) => table.name).sort()).toEqual(TABLES);
    } finally {
      await store.close();
    }
  });

  it('applies nothing when the file is opened again', async () => {
    const path = join(dir.path, 'twice.db');
    const first = openDatabase({ path });
    await migrateToLatest(first.db);
    await first.close();

    const second = openDatabase({ path });
    try {
      expect(await migrateToLatest(second.db)).toEqual([]);
      expect(await migrateToLatest(second.db)).toEqual([]);
    } finally {
      await second.close();
    }
  });

  it('plans the claim of the next due lead on the partial claim index', async () => {
    const store = openDatabase({ path: join(dir.path, 'plan.db') });
    try {
      await migrateToLatest(store.db);
      // The statements the claimer runs, with their real text: the first candidate, then
      // the next ones of a claim that stepped past some.
      const queries: [string, unknown[]][] = [
        [CLAIM_SQL.dueLead, ['c', 1]],
        [CLAIM_SQL.dueLeads, ['c', 1, 0]],
      ];
      for (const [query, parameters] of queries) {
        const rows = store.prepare(`explain query plan ${query}`).all(parameters) as {
          detail: string;
        }[];
        const plan = rows.map((row) => row.detail).join('\n');
        expect(plan).toContain('USING INDEX lead_claim');
        // Both do-not-call lookups (global, campaign) through the index, never a scan.
        expect(plan.match(/SEARCH d USING INDEX dnc_scope_phone/g)).toHaveLength(2);
        expect(plan).not.toContain('SCAN');
        expect(plan).not.toContain('TEMP B-TREE');
      }
    } finally {
      await store.close();
    }
  });
});

describe('the order of migration names', () => {
  it('is the locale order for every migration this build knows, SQLite and PostgreSQL', () => {
    const names = [...knownMigrationNames(), ...knownPostgresMigrationNames()];
    for (const a of names) {
      for (const b of names) {
        expect(Math.sign(compareMigrationNames(a, b)), `${a} / ${b}`).toBe(
          Math.sign(a.localeCompare(b)),
        );
      }
    }
  });

  it('compares no strings for a locale when applied migrations share a timestamp', async () => {
    const store = openDatabase({ path: join(dir.path, 'same-ms.db') });
    const original = String.prototype.localeCompare;
    let compared = 0;
    try {
      await migrateToLatest(store.db);
      // As when every migration of a fresh file is applied within one millisecond.
      store.prepare('update kysely_migration set timestamp = ?').run(['2026-12-06T10:00:00.000Z']);
      String.prototype.localeCompare = function (
        this: string,
        ...args: Parameters<typeof original>
      ) {
        compared += 1;
        return original.apply(this, args);
      };
      // Kysely's default order compared them for a locale: ICU's collation data, ~8 MB of
      // a small command's memory (ADR 045).
      expect(await migrateToLatest(store.db)).toEqual([]);
      expect(compared).toBe(0);
    } finally {
      String.prototype.localeCompare = original;
      await store.close();
    }
  });
});
