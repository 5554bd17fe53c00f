import { describe, expect, it } from 'vitest';
import { createPhoneNormalizer, isKnownPhoneRegion } from '../../src/campaign/phone-number.js';

const us = createPhoneNormalizer({ defaultRegion: 'US', allowExtensions: false });
const usWithExtensions = createPhoneNormalizer({ defaultRegion: 'US', allowExtensions: true });

describe('phone normaliser', () => {
  it('writes public numbers as E.164 whatever the spelling', () => {
    for (const text of [
      '+1 (415) 555-0123',
      '415-555-0123',
      '(415) 555 0123',
      ' 415.555.0123 ',
      '1 415 555 0123',
      '+14155550123',
    ]) {
      expect(us(text)).toEqual({ ok: true, phone: '+14155550123', kind: 'public' });
    }
    expect(us('+44 20 7946 0000')).toEqual({ ok: true, phone: '+442079460000', kind: 'public' });
    expect(
      createPhoneNormalizer({ defaultRegion: 'DE', allowExtensions: false })('030 123456789'),
    ).toEqual({
      ok: true,
      phone: '+4930123456789',
      kind: 'public',
    });
  });

  it('keeps short internal extensions as digits only when the campaign allows them', () => {
    expect(usWithExtensions('6001')).toEqual({ ok: true, phone: '6001', kind: 'extension' });
    expect(usWithExtensions(' 042 ')).toEqual({ ok: true, phone: '042', kind: 'extension' });
    expect(us('6001')).toEqual({
      ok: false,
      reason: 'an internal extension, and this campaign dials public numbers only',
    });
  });

  it('says why a number is rejected', () => {
    expect(us('')).toEqual({ ok: false, reason: 'no phone number' });
    expect(us('call me maybe')).toEqual({ ok: false, reason: 'not a phone number' });
    expect(us('415-555-01')).toEqual({
      ok: false,
      reason: 'wrong number of digits for a US number',
    });
    expect(us('+1 415 555 0123 ext. 12')).toEqual({
      ok: false,
      reason: 'has an extension (12), which cannot be dialed',
    });
    expect(us('+1 011 555 0123')).toEqual({ ok: false, reason: 'not a valid +1 number' });
    expect(us('x'.repeat(100))).toEqual({ ok: false, reason: 'too long for a phone number' });
  });

  it('needs a country code when there is no default region', () => {
    const global = createPhoneNormalizer({ defaultRegion: null, allowExtensions: true });
    expect(global('415 555 0123')).toEqual({
      ok: false,
      reason: 'no valid country code (write it as +<country code> <number>)',
    });
    expect(global('+1 415 555 0123')).toEqual({ ok: true, phone: '+14155550123', kind: 'public' });
  });

  it('refuses an unknown default region up front', () => {
    expect(isKnownPhoneRegion('US')).toBe(true);
    expect(isKnownPhoneRegion('XX')).toBe(false);
    expect(() => createPhoneNormalizer({ defaultRegion: 'XX', allowExtensions: false })).toThrow(
      '"XX" is not a known ISO 3166 region for phone numbers',
    );
  });
});
