/** The lead fields a CSV column can fill; any other column is a custom variable. */
export type LeadField = 'phone' | 'name' | 'timezone' | 'callerId' | 'customVars';

/** What each column of a lead CSV holds, by position. */
export type LeadColumn =
  | { kind: 'field'; field: LeadField }
  | { kind: 'customVar'; name: string }
  /** Read but not kept: unnamed columns and the columns of dialstate's own error CSV. */
  | { kind: 'ignored' };

/** Header names (after normalising) that mean each lead field. */
const ALIASES: Record<string, LeadField> = {
  phone: 'phone',
  phone_number: 'phone',
  phonenumber: 'phone',
  number: 'phone',
  telephone: 'phone',
  name: 'name',
  full_name: 'name',
  timezone: 'timezone',
  time_zone: 'timezone',
  tz: 'timezone',
  caller_id: 'callerId',
  callerid: 'callerId',
  custom_vars: 'customVars',
  custom_variables: 'customVars',
};

/** The columns dialstate adds to an error CSV; ignored so a corrected one imports as is. */
export const ERROR_CSV_COLUMNS = ['import_row', 'import_error'] as const;

/** How a column name is written in messages and custom variable names. */
const FIELD_NAMES: Record<LeadField, string> = {
  phone: 'phone',
  name: 'name',
  timezone: 'timezone',
  callerId: 'caller_id',
  customVars: 'custom_vars',
};

/** The CSV column a lead field comes from, as operators see it. */
export function leadFieldName(field: LeadField): string {
  return FIELD_NAMES[field];
}

/**
 * A header name in a comparable form: lower case, every run of characters other than
 * letters and digits made one `_`, none at either end. `Phone Number`, `phone-number`
 * and ` PHONE_NUMBER ` all become `phone_number`.
 */
export function normalizeColumnName(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '_')
    .replace(/^_+|_+$/g, '');
}

export type LeadColumnsPlan =
  | {
      ok: true;
      columns: LeadColumn[];
      /** File-level notes, e.g. a column without a name that is ignored. */
      warnings: string[];
    }
  | { ok: false; reason: string };

/**
 * Reads a lead CSV's header: which column is the phone, the name, the time zone, the
 * caller id and the custom variables (a JSON object), and which are custom variables
 * of their own. Fails when no column holds the phone, when two columns hold the same
 * field or variable, or when a header name is unusable.
 */
export function planLeadColumns(header: readonly string[]): LeadColumnsPlan {
  const columns: LeadColumn[] = [];
  const warnings: string[] = [];
  const seen = new Map<string, number>();
  for (const [index, raw] of header.entries()) {
    const name = normalizeColumnName(raw);
    if (name === '') {
      columns.push({ kind: 'ignored' });
      if (raw.trim() !== '' || index < header.length - 1) {
        warnings.push(`column ${index + 1} has no usable name; its values are ignored`);
      }
      continue;
    }
    if ((ERROR_CSV_COLUMNS as readonly string[]).includes(name)) {
      columns.push({ kind: 'ignored' });
      continue;
    }
    const field = ALIASES[name];
    const key = field ?? `var:${name}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      const what = field ? `the ${leadFieldName(field)}` : `the custom variable "${name}"`;
      return {
        ok: false,
        reason: `columns ${earlier + 1} ("${header[earlier]?.trim()}") and ${index + 1} ("${raw.trim()}") both hold ${what}; keep one`,
      };
    }
    seen.set(key, index);
    columns.push(field ? { kind: 'field', field } : { kind: 'customVar', name });
  }
  if (!seen.has('phone')) {
    const looksLikeData = header.some((cell) => /^\+?[\d\s().-]{7,}$/.test(cell.trim()));
    return {
      ok: false,
      reason: looksLikeData
        ? 'the first line looks like a lead, not a header: add a header line naming the columns (phone, name, …)'
        : `no phone column: name one of the columns "phone", "phone_number" or "number" (found: ${header.map((h) => `"${h.trim()}"`).join(', ')})`,
    };
  }
  return { ok: true, columns, warnings };
}
