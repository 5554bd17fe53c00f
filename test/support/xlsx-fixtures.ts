import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { Zip, ZipDeflate, ZipPassThrough } from 'fflate';

/** A folder for workbooks written by a test; `remove()` deletes it. */
export function createWorkbookDir(): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), 'dialstate-xlsx-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** Writes a workbook built by `build` (sheets, cells, formats) with exceljs; returns its path. */
export async function writeWorkbook(
  dir: string,
  name: string,
  build: (workbook: ExcelJS.Workbook) => void,
): Promise<string> {
  const workbook = new ExcelJS.Workbook();
  build(workbook);
  const path = join(dir, name);
  await workbook.xlsx.writeFile(path);
  return path;
}

/**
 * Writes `rows` rows with exceljs's streaming writer and shared strings, which puts the
 * shared strings after the worksheet in the archive, as Excel does: the reader must hold
 * the sheet back until it has them.
 */
export async function writeStreamedWorkbook(
  dir: string,
  name: string,
  rows: Iterable<(string | number)[]>,
): Promise<string> {
  const path = join(dir, name);
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    filename: path,
    useSharedStrings: true,
  });
  const sheet = workbook.addWorksheet('Leads');
  for (const row of rows) sheet.addRow(row).commit();
  sheet.commit();
  await workbook.commit();
  return path;
}

const CONTENT_TYPES =
  '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>';
const WORKBOOK =
  '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Leads" sheetId="1" r:id="rId1"/></sheets></workbook>';
const WORKBOOK_RELS =
  '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>';

/**
 * A zip bomb dressed as a workbook: a valid header row, then `inflatedMiB` MiB of
 * whitespace inside the sheet's XML, which deflates about 1,000 to 1. Written with
 * fflate's streaming zip, a MiB at a time, so the test never holds it unpacked.
 */
export async function writeZipBomb(
  dir: string,
  name: string,
  inflatedMiB: number,
): Promise<string> {
  const path = join(dir, name);
  const out = createWriteStream(path);
  const finished = new Promise<void>((resolve, reject) => {
    out.on('finish', resolve);
    out.on('error', reject);
  });
  const zip = new Zip((error, chunk, final) => {
    if (error) throw error;
    out.write(chunk);
    if (final) out.end();
  });
  const entry = (file: string, text: string) => {
    const stored = new ZipPassThrough(file);
    zip.add(stored);
    stored.push(new TextEncoder().encode(text), true);
  };
  entry('[Content_Types].xml', CONTENT_TYPES);
  entry('xl/workbook.xml', WORKBOOK);
  entry('xl/_rels/workbook.xml.rels', WORKBOOK_RELS);
  const sheet = new ZipDeflate('xl/worksheets/sheet1.xml', { level: 9 });
  zip.add(sheet);
  sheet.push(
    new TextEncoder().encode(
      '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>phone</t></is></c></row>',
    ),
    false,
  );
  const blanks = new Uint8Array(1024 * 1024).fill(0x20);
  for (let i = 0; i < inflatedMiB; i++) sheet.push(blanks, false);
  sheet.push(new TextEncoder().encode('</sheetData></worksheet>'), true);
  zip.end();
  await finished;
  return path;
}
