import { IANAZone } from 'luxon';
import { describe, expect, it } from 'vitest';
import { canonicalTimeZone, isKnownTimeZone } from '../../src/campaign/time-zone-names.js';

// The reference both functions must agree with: what a formatter says of the name.
function formatterCanonical(name: string): string | null {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

const CANONICAL = ['America/New_York', 'Europe/London', 'Australia/Sydney'];
// Names a formatter accepts of which some are not on Intl.supportedValuesOf's list of
// canonical ones in any ICU (US/Eastern, another casing), some not in Node 20's (its ICU
// names Asia/Calcutta and Europe/Kiev, and lists no UTC).
const ALIASES = ['US/Eastern', 'america/new_york', 'Asia/Kolkata', 'Europe/Kyiv', 'UTC', 'Etc/GMT'];
const NEVER_LISTED = ['US/Eastern', 'america/new_york'];
const INVALID = ['Fantasia/Castle', 'Sport~~blorp', '+01:00', ' America/New_York', 'New York'];

describe('a canonical name', () => {
  it('is answered without a date formatter (its first one loads ~8 MB of ICU data)', () => {
    const original = Intl.DateTimeFormat;
    let built = 0;
    Intl.DateTimeFormat = class extends original {
      constructor(...args: ConstructorParameters<typeof original>) {
        super(...args);
        built += 1;
      }
    } as typeof original;
    try {
      expect(isKnownTimeZone('America/Chicago')).toBe(true);
      expect(canonicalTimeZone('Europe/Paris')).toBe('Europe/Paris');
      // Canonical, though Node 20's list leaves it out.
      expect(isKnownTimeZone('UTC')).toBe(true);
      expect(canonicalTimeZone('UTC')).toBe('UTC');
      expect(built).toBe(0);
      expect(canonicalTimeZone('US/Pacific')).toBe('America/Los_Angeles');
      expect(built).toBe(1);
    } finally {
      Intl.DateTimeFormat = original;
    }
  });
});

describe('isKnownTimeZone', () => {
  it('knows every canonical name, as luxon does', () => {
    for (const name of Intl.supportedValuesOf('timeZone')) {
      expect(isKnownTimeZone(name), name).toBe(true);
      expect(IANAZone.isValidZone(name), name).toBe(true);
    }
  });

  it('knows an alias that is not on the list of canonical names, as luxon does', () => {
    for (const name of NEVER_LISTED) expect(Intl.supportedValuesOf('timeZone')).not.toContain(name);
    for (const name of ALIASES) {
      expect(isKnownTimeZone(name), name).toBe(true);
      expect(IANAZone.isValidZone(name), name).toBe(true);
    }
  });

  it('refuses an invalid or empty name, as luxon does', () => {
    for (const name of [...INVALID, '']) {
      expect(isKnownTimeZone(name), name).toBe(false);
      expect(IANAZone.isValidZone(name), name).toBe(false);
    }
  });
});

describe('canonicalTimeZone', () => {
  it('gives every canonical name as it is, as the formatter resolves it', () => {
    for (const name of Intl.supportedValuesOf('timeZone')) {
      expect(canonicalTimeZone(name), name).toBe(name);
      expect(formatterCanonical(name), name).toBe(name);
    }
    for (const name of CANONICAL) expect(canonicalTimeZone(name)).toBe(name);
  });

  it("resolves an alias to the formatter's canonical name", () => {
    for (const name of ALIASES)
      expect(canonicalTimeZone(name), name).toBe(formatterCanonical(name));
    expect(canonicalTimeZone('US/Eastern')).toBe('America/New_York');
    expect(canonicalTimeZone('america/new_york')).toBe('America/New_York');
    expect(canonicalTimeZone('Etc/GMT')).toBe('UTC');
    expect(canonicalTimeZone('UTC')).toBe(formatterCanonical('UTC'));
  });

  it('gives null for an invalid or empty name', () => {
    for (const name of [...INVALID, '']) expect(canonicalTimeZone(name), name).toBeNull();
  });
});
