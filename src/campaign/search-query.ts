import { type CountryCode, getCountryCallingCode } from 'libphonenumber-js/core';
import metadata from 'libphonenumber-js/min/metadata';
import { isKnownPhoneRegion, type PhoneRules } from './phone-number.js';

/**
 * What a search box's text looks for among a campaign's leads: the start of the
 * normalised phone (any of a few spellings of it) or the start of the name.
 */
export type SearchQuery =
  | {
      kind: 'phone';
      /** Prefixes of stored phones (E.164 or extension digits), without duplicates. */
      prefixes: string[];
    }
  | { kind: 'name'; prefix: string };

/** Text made only of what people write numbers with: digits, `+`, spaces, `( ) - .`. */
const NUMBER_LIKE = /^\+?[\d\s().-]+$/;

/**
 * Reads a search: text that looks like a number (`415 555`, `+44 20`, `(212) 5`)
 * searches phones, anything else names (case-insensitive).
 *
 * A stored phone is E.164 or, for an extension, bare digits, so the digits typed are
 * tried as the start of each spelling the operator may have meant: with a `+` of their
 * own (`+44 20…`, `0044 20…`, or `44 20…` without it), as a national number of the
 * campaign's region (`415…` in a US campaign is `+1415…`; a leading trunk `0`, as in
 * `020…` in a UK one, is dropped), and as the digits of an extension when the campaign
 * allows them. Returns null for text with nothing to search by.
 */
export function parseSearchQuery(text: string, rules: PhoneRules): SearchQuery | null {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  if (!NUMBER_LIKE.test(trimmed) || !/\d/.test(trimmed)) {
    // A space after a name is part of it: `ada ` finds Ada Lovelace but not Adam.
    return { kind: 'name', prefix: text.trimStart() };
  }
  const digits = trimmed.replace(/\D/g, '');
  if (trimmed.startsWith('+')) return { kind: 'phone', prefixes: [`+${digits}`] };
  // `00` is the international call prefix in most of the world: `0044…` is `+44…`.
  const international = digits.startsWith('00');
  const prefixes = [`+${international ? digits.slice(2) : digits}`];
  const region = rules.defaultRegion;
  if (!international && region !== null && isKnownPhoneRegion(region)) {
    const national = digits.replace(/^0/, '');
    if (national !== '') {
      prefixes.push(`+${getCountryCallingCode(region as CountryCode, metadata)}${national}`);
    }
  }
  if (rules.allowExtensions) prefixes.push(digits);
  return { kind: 'phone', prefixes: [...new Set(prefixes)] };
}
