import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { dncCommand } from '../../src/cli/dnc-command.js';
import { importCommand } from '../../src/cli/import-command.js';
import { loadConfig } from '../../src/config.js';
import { acquireServerLock, tryServerLock } from '../../src/store/database-file/server-lock.js';
import { createLeadRepository } from '../../src/store/leads.js';
import { dialstate } from '../support/dialstate-cli.js';
import {
  createTempDir,
  openMigratedStore,
  seedDatabase,
  type TempDir,
} from '../support/store-fixtures.js';
import { until } from '../support/until.js';
import { writeWorkbook } from '../support/xlsx-fixtures.js';

let dir: TempDir;
let db: string[];
beforeAll(async () => {
  dir = createTempDir();
  await seedDatabase(dir, { campaigns: [{ id: 'spring' }] });
  db = ['--db', path.join(dir.path, 'dialstate.db')];
});
afterAll(() => dir.remove());

describe('dialstate import', () => {
  it('imports a file, prints the counts and issues, and writes the rejected rows', async () => {
    const file = path.join(dir.path, 'leads.csv');
    const errors = path.join(dir.path, 'rejected.csv');
    writeFileSync(
      file,
      'phone;name\n+1 415 555 0101;Ada\n415-555-01;Short\n(415) 555-0101;Again\n',
    );
    const result = await dialstate('import', 'spring', file, '--errors', errors, ...db);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      '3 rows: 1 new, 0 updated, 1 duplicates, 1 rejected, 0 on a do-not-call list (stored as dnc)',
    );
    expect(result.stdout).toContain(
      'row 2      error   phone "415-555-01": wrong number of digits for a US number',
    );
    expect(readFileSync(errors, 'utf8')).toBe(
      'phone,name,import_row,import_error\n415-555-01,Short,2,phone: wrong number of digits for a US number\n',
    );
    const store = await openMigratedStore(dir);
    const leads = await createLeadRepository(store.db).listByCampaign('spring', {
      limit: 10,
      offset: 0,
    });
    await store.close();
    expect(leads.map((lead) => lead.phone)).toEqual(['+14155550101']);
  });

  it('exits 1 and adds nothing when the file is refused', async () => {
    const file = path.join(dir.path, 'broken.csv');
    writeFileSync(file, 'phone\n"+1 415 555 0199\n');
    const { code, out } = await captured(() =>
      importCommand(config(), 'spring', file, { json: false }),
    );
    expect(code).toBe(1);
    expect(out).toContain(
      'FAILED, no lead was added — row 1 opens a quoted field that is never closed',
    );
  });

  it('imports the first worksheet of a file named .xlsx', async () => {
    const file = await writeWorkbook(dir.path, 'spring.xlsx', (workbook) => {
      const sheet = workbook.addWorksheet('Leads');
      sheet.addRow(['Phone', 'Name']);
      sheet.addRow(['(415) 555-0140', 'Grace']);
    });
    const { code, out } = await captured(() =>
      importCommand(config(), 'spring', file, { json: false }),
    );
    expect(code).toBe(0);
    expect(out).toContain('1 rows: 1 new, 0 updated');
  });

  it('holds the server lock while it imports, so no server starts under its big transactions', async () => {
    const file = writeRows('owned.csv', 0, 30_000);
    const dbPath = path.join(dir.path, 'dialstate.db');
    let held = false;
    const importing = captured(() => importCommand(config(), 'spring', file, { json: false }));
    await until(
      () => {
        const lock = tryServerLock(dbPath);
        lock?.release();
        held ||= lock === null;
        return held;
      },
      { everyMs: 5, what: 'the import to hold the server lock' },
    );
    const { code, out } = await importing;
    expect(code).toBe(0);
    expect(out).toContain('30,000 rows: 30,000 new');
    expect(out).toContain('merged in big transactions (no server on the database)');
    // Let go when the import ends.
    acquireServerLock(dbPath).release();
  });

  it('imports beside a server holding the lock, in its slices, and leaves the lock to it', async () => {
    const file = writeRows('shared.csv', 30_000, 30_000);
    const dbPath = path.join(dir.path, 'dialstate.db');
    const server = acquireServerLock(dbPath);
    try {
      const { code, out } = await captured(() =>
        importCommand(config(), 'spring', file, { json: false }),
      );
      expect(code).toBe(0);
      expect(out).toContain('30,000 rows: 30,000 new');
      expect(out).toMatch(
        /the merge held the database at most [\d,.]+ ms at a time \(a server or another import is using the database\)/,
      );
      expect(tryServerLock(dbPath)).toBeNull();
    } finally {
      server.release();
    }
  });

  it('explains usage mistakes', async () => {
    const mode = await captured(() =>
      importCommand(config(), 'spring', 'x.csv', { mode: 'replace', json: false }),
    );
    expect(mode).toMatchObject({
      code: 2,
      err: 'import: --mode is skip_existing or update_existing, not "replace"\n',
    });
    const missing = await captured(() =>
      importCommand(config(), 'autumn', path.join(dir.path, 'leads.csv'), { json: false }),
    );
    expect(missing).toMatchObject({
      code: 1,
      err: expect.stringContaining('no campaign "autumn"'),
    });
    const file = await captured(() =>
      importCommand(config(), 'spring', path.join(dir.path, 'nope.csv'), { json: false }),
    );
    expect(file).toMatchObject({ code: 1, err: expect.stringContaining('cannot read') });
  });
});

describe('dialstate dnc', () => {
  it('adds numbers to a campaign list, normalised', async () => {
    const added = await dialstate(
      'dnc',
      'add',
      '(415) 555-0177',
      '--campaign',
      'spring',
      '--reason',
      'asked',
      ...db,
    );
    expect(added).toMatchObject({
      code: 0,
      stdout: '+14155550177 added to the do-not-call list of spring\n',
    });
  });

  it('lists and removes them, and refuses a national number for the global list without a region', async () => {
    const options = { campaign: 'spring', json: false };
    await captured(() => dncCommand(config(), 'add', '415 555 0178', options));
    const listed = await captured(() => dncCommand(config(), 'list', undefined, options));
    expect(listed.out).toMatch(
      /^\+14155550177\t\S+\tasked\n\+14155550178\t\S+\t\n2 numbers on the do-not-call list of spring\n$/,
    );
    const removed = await captured(() => dncCommand(config(), 'remove', '415.555.0178', options));
    expect(removed.out).toBe('+14155550178 removed from the do-not-call list of spring\n');
    const global = await captured(() =>
      dncCommand(config(), 'add', '415 555 0177', { json: false }),
    );
    expect(global).toEqual({
      code: 1,
      out: '',
      err: 'dnc add: 415 555 0177: no valid country code (write it as +<country code> <number>)\n',
    });
    expect(
      (await captured(() => dncCommand(config(), 'purge', undefined, { json: false }))).code,
    ).toBe(2);
  });
});

/** A CSV file of `count` leads from number `from` on, in the test's folder. */
function writeRows(name: string, from: number, count: number): string {
  const file = path.join(dir.path, name);
  let text = 'phone,name\n';
  for (let n = from; n < from + count; n++) text += `+1415${2_000_000 + n},Lead ${n}\n`;
  writeFileSync(file, text);
  return file;
}

function config() {
  return loadConfig({
    DIALSTATE_DB_PATH: path.join(dir.path, 'dialstate.db'),
    DIALSTATE_LOG_LEVEL: 'silent',
  });
}

/** Runs a command in this process, with what it prints. */
async function captured(
  command: () => Promise<number>,
): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const log = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    out += `${args.join(' ')}\n`;
  });
  // Sets the suite's guard against console.error aside for this command only: its errors are the point.
  const error = vi.mocked(console.error);
  const guard = error.getMockImplementation();
  error.mockImplementation((...args: unknown[]) => {
    err += `${args.join(' ')}\n`;
  });
  try {
    return { code: await command(), out, err };
  } finally {
    log.mockRestore();
    if (guard) error.mockImplementation(guard);
  }
}
