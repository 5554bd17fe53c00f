import fc from 'fast-check';
import {
  type CountryCode,
  getCountries,
  getExampleNumber,
  parsePhoneNumberFromString,
} from 'libphonenumber-js/core';
import metadata from 'libphonenumber-js/min/metadata';
import examples from 'libphonenumber-js/mobile/examples';
import { describe, expect, it } from 'vitest';
import { createPhoneFastPath } from '../../src/campaign/phone-fast-path.js';

const REGIONS = getCountries(metadata);

/** libphonenumber-js's own answer: the E.164 number when the text is a valid number. */
function oracle(text: string, region: CountryCode): string | undefined {
  const parsed = parsePhoneNumberFromString(
    text,
    { defaultCountry: region, extract: false },
    metadata,
  );
  return parsed?.isValid() ? parsed.number : undefined;
}

/** A region's example mobile number with its last digits replaced, in one of many spellings. */
const spelledNumber = fc
  .record({
    region: fc.constantFrom(...REGIONS),
    tail: fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 1, maxLength: 6 }),
    spelling: fc.constantFrom('e164', 'national', 'international', 'digits', 'separators'),
    separators: fc.array(fc.constantFrom(' ', '-', '.', '(', ')', '/'), { maxLength: 4 }),
  })
  .map(({ region, tail, spelling, separators }) => {
    const example = getExampleNumber(region, examples, metadata);
    const nsn = example?.nationalNumber ?? '2015550123';
    const cc = example?.countryCallingCode ?? '1';
    const digits = nsn.slice(0, Math.max(1, nsn.length - tail.length)) + tail.join('');
    const parsed = parsePhoneNumberFromString(`+${cc}${digits}`, metadata);
    let text: string;
    switch (spelling) {
      case 'e164':
        text = `+${cc}${digits}`;
        break;
      case 'national':
        text = parsed?.formatNational() ?? digits;
        break;
      case 'international':
        text = parsed?.formatInternational() ?? `+${cc} ${digits}`;
        break;
      case 'digits':
        text = digits;
        break;
      default:
        // Separators sprinkled between the digits, as people type them.
        text = [...digits].map((d, i) => (separators[i % 7] ?? '') + d).join('');
    }
    return { region, text };
  });

describe('phone fast path', () => {
  it('never answers differently from libphonenumber-js, for numbers of every region', () => {
    fc.assert(
      fc.property(spelledNumber, ({ region, text }) => {
        const fast = createPhoneFastPath(region)(text);
        if (fast !== undefined) expect(fast).toBe(oracle(text, region));
      }),
      { seed: 7, numRuns: 20_000 },
    );
  });

  it('never answers differently for random digit strings, with or without +', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...REGIONS),
        fc.boolean(),
        fc.stringMatching(/^[0-9]{3,16}$/),
        (region, plus, digits) => {
          const text = plus ? `+${digits}` : digits;
          const fast = createPhoneFastPath(region)(text);
          if (fast !== undefined) expect(fast).toBe(oracle(text, region));
        },
      ),
      { seed: 11, numRuns: 20_000 },
    );
  });

  it('reads most valid numbers of common regions itself', () => {
    let valid = 0;
    let fast = 0;
    fc.assert(
      fc.property(
        spelledNumber.filter(({ region }) =>
          ['US', 'CA', 'GB', 'DE', 'FR', 'ES', 'IT', 'NL', 'IN', 'BR', 'MX'].includes(region),
        ),
        ({ region, text }) => {
          if (oracle(text, region) === undefined) return;
          valid += 1;
          if (createPhoneFastPath(region)(text) !== undefined) fast += 1;
        },
      ),
      { seed: 3, numRuns: 3_000 },
    );
    expect(valid).toBeGreaterThan(1_000);
    expect(fast / valid).toBeGreaterThan(0.9);
  });

  it('leaves what it does not replay to libphonenumber-js', () => {
    const us = createPhoneFastPath('US');
    // Calling code without +, IDD prefix, letters, a + that is not first, non-geographic.
    for (const text of [
      '14155550123',
      '011 44 20 7946 0000',
      '1-800-FLOWERS',
      '(+1) 415 555 0123',
      '+800 1234 5678',
    ]) {
      expect(us(text)).toBeUndefined();
    }
    expect(us('+1 (415) 555-0123')).toBe('+14155550123');
    expect(us('415.555.0123')).toBe('+14155550123');
    expect(createPhoneFastPath('GB')('020 7946 0000')).toBe('+442079460000');
  });
});
