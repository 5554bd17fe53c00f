/**
 * A cell's value as exceljs reads it from a worksheet: text, number, boolean, date, or an
 * object for formulas, rich text, hyperlinks and errors.
 */
export type XlsxCellValue =
  | string
  | number
  | boolean
  | Date
  | null
  | undefined
  | {
      result?: unknown;
      formula?: string;
      sharedFormula?: string;
      richText?: { text: string }[];
      text?: unknown;
      hyperlink?: string;
      error?: string;
    };

/** A number format of zeros only (`00000`): Excel pads the number to that many digits. */
const ZERO_PADDED = /^0+$/;

/**
 * The text a lead file's cell stands for, as the CSV reader would have read it from the
 * same sheet saved as CSV:
 *
 * - text stays as typed, leading zeros included (`0412 345 678`);
 * - a number prints as Excel shows it at 15 significant digits, never in exponent form
 *   for whole numbers (`14155550101`), padded with zeros when its format is all zeros
 *   (`00000` shows 1234 as `01234`);
 * - a date is ISO text: `2026-03-01`, or `2026-03-01T09:30:00` when it has a time (Excel
 *   dates have no time zone; exceljs reads them as UTC);
 * - a formula is its cached result (what Excel last computed); none is empty;
 * - rich text is its plain text, a hyperlink its shown text, an error its code (`#N/A`),
 *   a boolean `TRUE` or `FALSE`.
 */
export function xlsxCellText(value: XlsxCellValue, numFmt?: string): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return numberText(value, numFmt);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) return dateText(value);
  if ('formula' in value || 'sharedFormula' in value) {
    return xlsxCellText(value.result as XlsxCellValue, numFmt);
  }
  if (Array.isArray(value.richText)) return value.richText.map((run) => run.text).join('');
  if (value.error !== undefined) return String(value.error);
  if (value.text !== undefined) return xlsxCellText(value.text as XlsxCellValue, numFmt);
  return '';
}

function numberText(value: number, numFmt: string | undefined): string {
  if (!Number.isFinite(value)) return String(value);
  // 15 significant digits, as Excel keeps and shows: 0.1 + 0.2 is "0.3".
  const rounded = Number(value.toPrecision(15));
  let text = Number.isInteger(rounded)
    ? rounded.toLocaleString('en-US', { useGrouping: false, maximumFractionDigits: 0 })
    : String(rounded);
  if (numFmt !== undefined && ZERO_PADDED.test(numFmt) && rounded >= 0) {
    text = text.padStart(numFmt.length, '0');
  }
  return text;
}

function dateText(date: Date): string {
  if (Number.isNaN(date.getTime())) return '';
  const iso = date.toISOString();
  const midnight =
    date.getUTCHours() === 0 &&
    date.getUTCMinutes() === 0 &&
    date.getUTCSeconds() === 0 &&
    date.getUTCMilliseconds() === 0;
  return midnight ? iso.slice(0, 10) : iso.slice(0, 19);
}
