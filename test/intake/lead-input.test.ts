import { describe, expect, it } from 'vitest';
import { MAX_LEAD_VARS_BYTES } from '../../src/campaign/lead.js';
import { createLeadValidator } from '../../src/intake/lead-input.js';

const validate = createLeadValidator({
  defaultRegion: 'US',
  allowExtensions: false,
  maxFieldLength: 4096,
});

describe('lead fields that reach the PBX', () => {
  it('refuses custom variables too large for the channel variable that carries them', () => {
    // Two values of 2,100 characters: each fits a field, together they do not fit the variable.
    const result = validate({
      phone: '+14155550101',
      customVars: { notes: 'x'.repeat(2100), more: 'y'.repeat(2100) },
    });
    expect(result).toMatchObject({
      ok: false,
      errors: [
        {
          field: 'custom_vars',
          reason: `the custom variables are 4222 bytes as JSON; the AI target gets at most ${MAX_LEAD_VARS_BYTES}`,
        },
      ],
    });
  });

  it('counts the bytes the AI target receives: escapes and multi-byte characters', () => {
    // 1,400 "é" are 2,800 bytes: within the bound although 3 × 1,400 is past it.
    expect(validate({ phone: '+14155550101', customVars: { a: 'é'.repeat(1400) } }).ok).toBe(true);
    // A CSV column's variable counts too, as the JSON escapes its quotes.
    const quoted = validate({ phone: '+14155550101', columnVars: { quote: '"'.repeat(2100) } });
    expect(quoted.ok).toBe(false);
  });

  it('keeps the caller id a normalised number, whatever it was given as', () => {
    const result = validate({ phone: '+14155550101', callerId: '(415) 555-0199' });
    expect(result).toMatchObject({ ok: true, lead: { callerId: '+14155550199' } });
    const bad = validate({ phone: '+14155550101', callerId: '"X" <1>\r\nVia: evil' });
    expect(bad).toMatchObject({ ok: true, lead: { callerId: null } });
  });
});
