import { readFileSync } from 'node:fs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { errorBodySchema } from '../../src/http/api-error.js';
import { XLSX_TYPE } from '../../src/http/csv-upload.js';
import { importAcceptedSchema, importReportSchema } from '../../src/http/lead-import-schemas.js';
import { type ApiHarness, createApiHarness, textOf } from '../support/api-harness.js';
import {
  createWorkbookDir,
  writeStreamedWorkbook,
  writeWorkbook,
} from '../support/xlsx-fixtures.js';

const IMPORT = '/api/campaigns/campaign-reminders/leads/import';
const dir = createWorkbookDir();
afterAll(() => dir.remove());
let h: ApiHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function small(): Promise<Uint8Array> {
  const path = await writeWorkbook(dir.path, 'october.xlsx', (workbook) => {
    const sheet = workbook.addWorksheet('Leads');
    sheet.addRow(['phone', 'name']);
    sheet.addRow(['+1 415 555 0101', 'Ada']);
    sheet.addRow(['not a number', 'Bob']);
  });
  return readFileSync(path);
}

describe('importing an .xlsx workbook over the API', () => {
  it('takes the workbook as the body, by its content type', async () => {
    h = await createApiHarness({ leads: 0 });
    const response = await h.app.request(`${IMPORT}?fileName=october.xlsx`, {
      method: 'POST',
      headers: { 'content-type': XLSX_TYPE },
      body: await small(),
    });
    expect(response.status).toBe(200);
    const report = importReportSchema.parse(await response.json());
    expect(report).toMatchObject({ counts: { accepted: 1, rejected: 1 }, errorCount: 1 });
    const errors = await h.call('GET', String(report.errorsCsvUrl));
    expect(errors.headers.get('content-disposition')).toContain('october-errors.csv');
    expect(textOf(errors)).toContain('not a number,Bob,2,');
  });

  it('takes it as a form file named .xlsx, in the background when large', async () => {
    h = await createApiHarness({ leads: 0, leadUploads: { inMemoryBytes: 4 * 1024 } });
    const rows = [
      ['phone', 'name'],
      ...Array.from({ length: 3_000 }, (_, n) => [`+1415${2_000_000 + n}`, `Lead ${n}`]),
    ];
    const bytes = readFileSync(await writeStreamedWorkbook(dir.path, 'big.xlsx', rows));
    const body = new FormData();
    body.append('file', new File([bytes], 'big.xlsx'));
    body.append('mode', 'update_existing');
    const response = await h.app.request(IMPORT, { method: 'POST', body });
    expect(response.status).toBe(202);
    const { importId, statusUrl } = importAcceptedSchema.parse(await response.json());
    expect(statusUrl).toBe(`/api/imports/${importId}`);
    await h.importsSettled();
    const done = await h.ok('$get', '/imports/:id', { param: { id: importId } });
    expect(done).toMatchObject({
      status: 'completed',
      fileName: 'big.xlsx',
      mode: 'update_existing',
      percent: 100,
      counts: { totalRows: 3_000, accepted: 3_000 },
    });
  });

  it('refuses a file named .xlsx that is not a workbook with 415', async () => {
    h = await createApiHarness({ leads: 0 });
    const body = new FormData();
    body.append('file', new File(['phone\n+14155550101\n'], 'leads.xlsx'));
    const response = await h.app.request(IMPORT, { method: 'POST', body });
    expect(response.status).toBe(415);
    const refused = errorBodySchema.parse(await response.json());
    expect(refused.error.message).toContain('not an .xlsx workbook');
  });
});
