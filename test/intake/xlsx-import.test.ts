import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { LeadImportProgress } from '../../src/intake/import-leads.js';
import type { Store } from '../../src/store/sqlite/db.js';
import { leadsOf, openIntakeStore, runImport } from '../support/lead-intake.js';
import {
  createWorkbookDir,
  writeStreamedWorkbook,
  writeWorkbook,
  writeZipBomb,
} from '../support/xlsx-fixtures.js';

const dir = createWorkbookDir();
afterAll(() => dir.remove());
let store: Store;
afterEach(async () => {
  await store?.close();
});

function importXlsx(file: string, options: Parameters<typeof runImport>[2] = {}) {
  return runImport(store, { file, chunkBytes: 16 * 1024 }, { format: 'xlsx', ...options });
}

describe('importing an .xlsx workbook', () => {
  it('reads the first worksheet as the CSV reader would: leading zeros, dates, cached formula values', async () => {
    store = await openIntakeStore();
    const file = await writeWorkbook(dir.path, 'leads.xlsx', (workbook) => {
      const first = workbook.addWorksheet('Leads');
      workbook.addWorksheet('Notes').addRow(['phone', 'name']).commit();
      first.addRow(['Phone Number', 'Name', 'Due', 'Account', 'Zip']);
      // Text that looks like a number keeps its zeros; an international number as a number.
      first.addRow(['(415) 555-0101', 'Ann', new Date(Date.UTC(2026, 2, 1)), '000123', 1234]);
      first.getCell('E2').numFmt = '00000';
      first.addRow([14155550102, { richText: [{ text: 'Bo' }, { text: 'b' }] }]);
      first.getRow(3).getCell(3).value = new Date(Date.UTC(2026, 2, 1, 9, 30));
      first.addRow([]);
      first.addRow([
        { formula: '"+1415"&"5550104"', result: '+14155550104' },
        { formula: 'B2&"e"', result: 'Anne' },
        null,
        { formula: 'NOW()' },
      ]);
      first.addRow(['not a number', 'Cy']);
    });
    const progress: LeadImportProgress[] = [];
    const report = await importXlsx(file, { onProgress: (p) => progress.push(p) });
    expect(report.status).toBe('completed');
    expect(report.counts).toMatchObject({ totalRows: 4, accepted: 3, rejected: 1 });
    // Row numbers count from the header, blank rows included: row 5 is the sheet's row 6.
    expect(report.issues).toEqual([
      expect.objectContaining({ rowNumber: 5, severity: 'error', field: 'phone' }),
    ]);
    const leads = await leadsOf(store);
    expect(leads.map((lead) => [lead.phone, lead.name, lead.customVars])).toEqual([
      ['+14155550101', 'Ann', { due: '2026-03-01', account: '000123', zip: '01234' }],
      ['+14155550102', 'Bob', { due: '2026-03-01T09:30:00' }],
      ['+14155550104', 'Anne', {}],
    ]);
    const last = progress.at(-1);
    expect(last?.phase).toBe('completed');
    expect(last?.bytesRead).toBe(statSync(file).size);
  });

  it('holds a sheet written before its shared strings (as Excel writes them) and batches many rows', async () => {
    store = await openIntakeStore();
    const rows = function* () {
      yield ['phone', 'name'];
      for (let n = 0; n < 10_000; n++) yield [`+1415${2_000_000 + n}`, `Lead ${n}`];
    };
    const file = await writeStreamedWorkbook(dir.path, 'many.xlsx', rows());
    const report = await importXlsx(file);
    expect(report.counts).toMatchObject({ totalRows: 10_000, accepted: 10_000, rejected: 0 });
    expect((await leadsOf(store)).at(-1)).toMatchObject({
      phone: '+14152009999',
      name: 'Lead 9999',
    });
  });

  it('refuses a zip bomb as it inflates, long before the end of the file, and adds nothing', async () => {
    store = await openIntakeStore();
    const file = await writeZipBomb(dir.path, 'bomb.xlsx', 64);
    const size = statSync(file).size;
    const progress: LeadImportProgress[] = [];
    const report = await importXlsx(file, {
      limits: { maxInflatedBytes: 16 * 1024 * 1024 },
      onProgress: (p) => progress.push(p),
    });
    expect(report.status).toBe('failed');
    expect(report.error).toBe('the workbook is refused: it unpacks to more than 16 MiB');
    expect(progress.at(-1)?.bytesRead ?? size).toBeLessThan(size / 2);
    expect(await leadsOf(store)).toEqual([]);
  });

  it('refuses more rows or columns than allowed, an empty sheet and a file that is not a workbook', async () => {
    store = await openIntakeStore();
    const wide = await writeWorkbook(dir.path, 'wide.xlsx', (workbook) => {
      workbook.addWorksheet('Leads').addRow(['phone', 'a', 'b', 'c']);
    });
    expect((await importXlsx(wide, { limits: { maxColumns: 3 } })).error).toBe(
      'row 1 of the sheet has cells beyond column 3; at most 3 columns',
    );
    const long = await writeStreamedWorkbook(
      dir.path,
      'long.xlsx',
      Array.from({ length: 8 }, (_, n) => (n === 0 ? ['phone'] : [`+1415555010${n}`])),
    );
    expect((await importXlsx(long, { limits: { maxRows: 5 } })).error).toBe(
      'the sheet has more than 5 rows; split it',
    );
    const empty = await writeWorkbook(dir.path, 'empty.xlsx', (workbook) => {
      workbook.addWorksheet('Leads');
    });
    expect((await importXlsx(empty)).error).toBe(
      'the first worksheet is empty: it needs a header row and one row per lead',
    );
    const csv = join(dir.path, 'really.csv.xlsx');
    writeFileSync(csv, 'phone,name\n+14155550101,Ann\n');
    expect((await importXlsx(csv)).error).toMatch(/^the file is not a readable \.xlsx workbook/);
    expect(await leadsOf(store)).toEqual([]);
  });
});
