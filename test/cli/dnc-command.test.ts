import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialstate } from '../support/dialstate-cli.js';
import { createTempDir, type TempDir } from '../support/store-fixtures.js';

let dir: TempDir;
let dbPath: string;

beforeAll(() => {
  dir = createTempDir();
  dbPath = path.join(dir.path, 'dialstate.db');
});

afterAll(() => dir.remove());

describe('dialstate dnc', () => {
  it('adds, imports, lists and removes numbers of the global list in one database', async () => {
    const db = ['--db', dbPath];
    const added = await dialstate('dnc', 'add', '+14155550101', '--reason', 'asked', ...db);
    expect(added).toMatchObject({
      code: 0,
      stdout: '+14155550101 added to the global do-not-call list\n',
    });

    const file = path.join(dir.path, 'dnc.csv');
    writeFileSync(file, 'phone\n+14155550102\n+14155550101\nnot a number\n');
    const imported = await dialstate('dnc', 'import', file, ...db);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain('1 added, 1 already listed');
    expect(imported.stdout).toContain('1 rejected');

    const listed = await dialstate('dnc', 'list', '--json', ...db);
    expect(listed.code).toBe(0);
    const entries = JSON.parse(listed.stdout) as { phone: string; reason: string | null }[];
    expect(entries.map((e) => [e.phone, e.reason])).toEqual([
      ['+14155550101', 'asked'],
      ['+14155550102', null],
    ]);

    const removed = await dialstate('dnc', 'remove', '+14155550101', ...db);
    expect(removed).toMatchObject({
      code: 0,
      stdout: '+14155550101 removed from the global do-not-call list\n',
    });
    expect((await dialstate('dnc', 'list', ...db)).stdout).toContain(
      '1 number on the global do-not-call list',
    );
  }, 60_000);

  it('refuses a campaign that does not exist, changing nothing', async () => {
    const result = await dialstate(
      'dnc',
      'add',
      '+14155550103',
      '--campaign',
      'nope',
      '--db',
      dbPath,
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('dnc: no such campaign');
  }, 60_000);
});
