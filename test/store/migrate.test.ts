import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/db.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { createTempDir, type TempDir } from '../support/store-fixtures.js';

const TABLES = [
  'attempt',
  'attempt_event',
  'attempt_input',
  'attempt_timer',
  'campaign',
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
      const { rows } = await sql<{ detail: string }>`
        explain query plan
        select id from lead
        where campaign_id = ${'c'} and state = 'pending' and next_attempt_at <= ${1}
        order by next_attempt_at, priority desc, import_seq
        limit 1`.execute(store.db);
      const plan = rows.map((row) => row.detail).join('\n');
      expect(plan).toContain('USING INDEX lead_claim');
      expect(plan).not.toContain('TEMP B-TREE');
    } finally {
      await store.close();
    }
  });
});
