import { describe, expect, it } from 'vitest';
import { normalizeColumnName, planLeadColumns } from '../../src/intake/lead-columns.js';

describe('lead CSV columns', () => {
  it('compares header names whatever their case, spaces and punctuation', () => {
    expect(normalizeColumnName(' Phone Number ')).toBe('phone_number');
    expect(normalizeColumnName('phone-number')).toBe('phone_number');
    expect(normalizeColumnName('Caller ID #')).toBe('caller_id');
    expect(normalizeColumnName('Téléphone')).toBe('téléphone');
    expect(normalizeColumnName('***')).toBe('');
  });

  it('maps aliases to fields and every other column to a custom variable', () => {
    expect(
      planLeadColumns(['Number', 'Full Name', 'TZ', 'CallerID', 'custom_vars', 'Appointment Date']),
    ).toEqual({
      ok: true,
      columns: [
        { kind: 'field', field: 'phone' },
        { kind: 'field', field: 'name' },
        { kind: 'field', field: 'timezone' },
        { kind: 'field', field: 'callerId' },
        { kind: 'field', field: 'customVars' },
        { kind: 'customVar', name: 'appointment_date' },
      ],
      warnings: [],
    });
  });

  it("ignores the error CSV's columns and a trailing empty one silently, other unnamed ones with a note", () => {
    expect(planLeadColumns(['phone', 'import_row', 'Import Error', '', 'x', ''])).toEqual({
      ok: true,
      columns: [
        { kind: 'field', field: 'phone' },
        { kind: 'ignored' },
        { kind: 'ignored' },
        { kind: 'ignored' },
        { kind: 'customVar', name: 'x' },
        { kind: 'ignored' },
      ],
      warnings: ['column 4 has no usable name; its values are ignored'],
    });
  });

  it('refuses a header with no phone, or two columns for one thing', () => {
    expect(planLeadColumns(['name', 'email'])).toEqual({
      ok: false,
      reason:
        'no phone column: name one of the columns "phone", "phone_number" or "number" (found: "name", "email")',
    });
    expect(planLeadColumns(['phone', 'Notes', 'notes'])).toEqual({
      ok: false,
      reason: 'columns 2 ("Notes") and 3 ("notes") both hold the custom variable "notes"; keep one',
    });
    expect(planLeadColumns(['+1 415 555 0101', 'Ada'])).toMatchObject({
      ok: false,
      reason: expect.stringContaining('the first line looks like a lead, not a header'),
    });
  });
});
