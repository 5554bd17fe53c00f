import { MAX_LEAD_VARS_BYTES } from '../campaign/lead.js';
import { utf8Length } from '../campaign/pbx-strings.js';
import { createPhoneNormalizer, type PhoneRules } from '../campaign/phone-number.js';
import { canonicalTimeZone } from '../campaign/time-zone-names.js';

/** A lead as an operator gives it: a CSV row once its columns are known, or a form. */
export interface LeadInput {
  phone: string;
  name?: string | null;
  /** IANA time zone of the lead, when it differs from the campaign's. */
  timezone?: string | null;
  callerId?: string | null;
  /** A JSON object, as text (a CSV cell) or already parsed. */
  customVars?: string | Readonly<Record<string, unknown>> | null;
  /** Custom variables from columns of their own; they win over `customVars` on a clash. */
  columnVars?: Readonly<Record<string, string>>;
}

/** A lead that passed validation, ready to be stored in a campaign. */
export interface LeadDraft {
  /** E.164 for a public number, the digits for an extension. */
  phone: string;
  name: string | null;
  timezone: string | null;
  callerId: string | null;
  customVars: Record<string, string>;
}

/** A problem with one value of a lead; `field` is the CSV column name, null for the row. */
export interface LeadIssue {
  field: string | null;
  value: string | null;
  reason: string;
}

/** A lead, or why not; warnings say where a fallback was applied. */
export type LeadValidation =
  | { ok: true; lead: LeadDraft; warnings: LeadIssue[] }
  | { ok: false; errors: LeadIssue[]; warnings: LeadIssue[] };

export interface LeadRules extends PhoneRules {
  /** Characters of one value at most. */
  maxFieldLength: number;
}

/** Time zone names remembered per validator; a file rarely holds more than a few. */
const MAX_REMEMBERED_ZONES = 1000;

/**
 * Creates the one validator every lead goes through, from a CSV row or a form: the
 * phone is normalised (E.164, or an extension where allowed) and required; the name is
 * trimmed; an unknown time zone or an invalid caller id is dropped with a warning (the
 * campaign's applies); custom variables must form a JSON object of strings, numbers or
 * booleans, stored as strings, of at most `MAX_LEAD_VARS_BYTES` as JSON.
 *
 * @throws Error when the rules' default region is unknown (see createPhoneNormalizer).
 */
export function createLeadValidator(rules: LeadRules): (input: LeadInput) => LeadValidation {
  const normalizePhone = createPhoneNormalizer(rules);
  const zones = new Map<string, string | null>();

  function canonicalZone(name: string): string | null {
    let zone = zones.get(name);
    if (zone === undefined) {
      zone = canonicalTimeZone(name);
      if (zones.size < MAX_REMEMBERED_ZONES) zones.set(name, zone);
    }
    return zone;
  }

  return (input) => {
    const errors: LeadIssue[] = [];
    const warnings: LeadIssue[] = [];
    const text = (field: string, value: string | null | undefined): string | null => {
      const trimmed = value?.trim() ?? '';
      if (trimmed.length > rules.maxFieldLength) {
        errors.push({
          field,
          value: `${trimmed.slice(0, 40)}…`,
          reason: `longer than ${rules.maxFieldLength} characters`,
        });
        return null;
      }
      return trimmed === '' ? null : trimmed;
    };

    const rawPhone = text('phone', input.phone) ?? '';
    const phone = normalizePhone(rawPhone);
    if (!phone.ok) errors.push({ field: 'phone', value: rawPhone, reason: phone.reason });

    const name = text('name', input.name);

    let timezone = text('timezone', input.timezone);
    if (timezone !== null) {
      const zone = canonicalZone(timezone);
      if (zone === null) {
        warnings.push({
          field: 'timezone',
          value: timezone,
          reason:
            "not a known IANA time zone (e.g. America/New_York); the campaign's time zone applies",
        });
      }
      timezone = zone;
    }

    let callerId = text('caller_id', input.callerId);
    if (callerId !== null) {
      const number = normalizePhone(callerId);
      if (!number.ok) {
        warnings.push({
          field: 'caller_id',
          value: callerId,
          reason: `not a valid caller ID (${number.reason}); the campaign's caller ID applies`,
        });
      }
      callerId = number.ok ? number.phone : null;
    }

    const customVars = customVarsOf(input, text, errors, warnings);

    if (errors.length > 0 || !phone.ok) return { ok: false, errors, warnings };
    return {
      ok: true,
      lead: { phone: phone.phone, name, timezone, callerId, customVars },
      warnings,
    };
  };
}

function customVarsOf(
  input: LeadInput,
  text: (field: string, value: string | null | undefined) => string | null,
  errors: LeadIssue[],
  warnings: LeadIssue[],
): Record<string, string> {
  const vars: Record<string, string> = {};
  const given = input.customVars;
  let parsed: unknown = given;
  if (typeof given === 'string') {
    const json = text('custom_vars', given);
    parsed = null;
    if (json !== null) {
      try {
        parsed = JSON.parse(json);
      } catch {
        errors.push({ field: 'custom_vars', value: json, reason: 'not valid JSON' });
        return vars;
      }
    }
  }
  if (parsed !== null && parsed !== undefined) {
    if (typeof parsed !== 'object' || Array.isArray(parsed)) {
      errors.push({
        field: 'custom_vars',
        value: typeof given === 'string' ? given : JSON.stringify(parsed),
        reason: 'must be a JSON object, e.g. {"appointment": "10:30"}',
      });
      return vars;
    }
    for (const [key, value] of Object.entries(parsed)) {
      const name = key.trim();
      if (value === null || name === '') continue;
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
        vars[name] = String(value);
      } else {
        errors.push({
          field: 'custom_vars',
          value: JSON.stringify(value),
          reason: `"${name}" must be a string, a number or true/false`,
        });
      }
    }
  }
  for (const [name, value] of Object.entries(input.columnVars ?? {})) {
    const trimmed = text(name, value);
    if (trimmed === null) continue;
    if (vars[name] !== undefined && vars[name] !== trimmed) {
      warnings.push({
        field: name,
        value: trimmed,
        reason: `also set in custom_vars ("${vars[name]}"); the column's value applies`,
      });
    }
    vars[name] = trimmed;
  }
  // Cheap first, as every row of a file comes here: the variables' JSON cannot pass the
  // limit if it would fit with each character escaped (6 bytes), quotes and separators
  // counted; then, a JSON text this short cannot either (3 bytes per UTF-16 unit at most).
  let most = 2;
  for (const [name, value] of Object.entries(vars)) most += 6 * (name.length + value.length) + 6;
  if (most <= MAX_LEAD_VARS_BYTES) return vars;
  const json = JSON.stringify(vars);
  if (json.length * 3 > MAX_LEAD_VARS_BYTES && utf8Length(json) > MAX_LEAD_VARS_BYTES) {
    errors.push({
      field: 'custom_vars',
      value: `${json.slice(0, 40)}…`,
      reason: `the custom variables are ${utf8Length(json)} bytes as JSON; the AI target gets at most ${MAX_LEAD_VARS_BYTES}`,
    });
  }
  return vars;
}
