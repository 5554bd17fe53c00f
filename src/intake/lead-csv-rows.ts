import { type CsvRow, rowShapeProblem } from './csv-reader.js';
import type { LeadColumn } from './lead-columns.js';
import type { LeadInput, LeadValidation } from './lead-input.js';

/**
 * Creates the reader of one file's rows: each row is checked for its shape (field
 * lengths, UTF-8, extra fields), mapped to a `LeadInput` by the file's columns and
 * validated by `validate` (the same validator a lead added by hand goes through).
 */
export function createLeadRowReader(
  header: readonly string[],
  columns: readonly LeadColumn[],
  validate: (input: LeadInput) => LeadValidation,
  maxFieldLength: number,
): (row: CsvRow) => LeadValidation {
  // Resolved once per file: rows are read a million at a time.
  const indexOf = (field: string) =>
    columns.findIndex((column) => column.kind === 'field' && column.field === field);
  const phone = indexOf('phone');
  const name = indexOf('name');
  const timezone = indexOf('timezone');
  const callerId = indexOf('callerId');
  const customVars = indexOf('customVars');
  const varColumns = columns.flatMap((column, index) =>
    column.kind === 'customVar' ? [{ index, name: column.name }] : [],
  );

  return ({ fields }) => {
    const problem = rowShapeProblem(fields, header, maxFieldLength);
    if (problem !== null) {
      return { ok: false, errors: [{ field: null, value: null, reason: problem }], warnings: [] };
    }
    const at = (index: number) => (index < 0 ? null : (fields[index] ?? null));
    let columnVars: Record<string, string> | undefined;
    for (const { index, name: varName } of varColumns) {
      const value = fields[index];
      if (value === undefined || value === '') continue;
      columnVars ??= {};
      columnVars[varName] = value;
    }
    const validation = validate({
      phone: at(phone) ?? '',
      name: at(name),
      timezone: at(timezone),
      callerId: at(callerId),
      customVars: at(customVars),
      columnVars,
    });
    if (fields.length < columns.length) {
      validation.warnings.push({
        field: null,
        value: null,
        reason: `the row has ${fields.length} of the header's ${columns.length} columns; the missing ones are taken as empty`,
      });
    }
    return validation;
  };
}
