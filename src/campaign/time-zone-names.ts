/**
 * Whether a time zone name is known, and its canonical name, as luxon and `Intl` judge
 * them, answered from the list of canonical names (`Intl.supportedValuesOf('timeZone')`)
 * where it can be. The test luxon uses, a `new Intl.DateTimeFormat(…, { timeZone })`,
 * makes a process load ICU's locale data the first time, ~8 MB of peak RSS: most of
 * what a small `dialstate import` costs beyond its modules. The list costs 0.4 MB.
 *
 * The answers are unchanged: every name on the list is one a formatter accepts and
 * resolves to itself (ECMA-402: the list holds the canonical names), and any other
 * name — an alias such as US/Eastern or Asia/Kolkata, another casing, a mistake —
 * still gets the formatter's verdict. test/campaign/time-zone-names.test.ts checks
 * both kinds against the formatter.
 */
import { IANAZone } from 'luxon';

let canonicalNames: ReadonlySet<string> | undefined;

function isCanonicalName(name: string): boolean {
  // UTC is canonical (a formatter resolves it to itself) but not on Node 20's list, and
  // it is the commonest zone a campaign or a lead file names.
  canonicalNames ??= new Set([...Intl.supportedValuesOf('timeZone'), 'UTC']);
  return canonicalNames.has(name);
}

/** `IANAZone.create(name).isValid`: a name luxon can compute local times in. */
export function isKnownTimeZone(name: string): boolean {
  if (isCanonicalName(name)) return true;
  // IANAZone.create caches each zone and its validity; isValidZone would build a formatter per call.
  return IANAZone.create(name).isValid;
}

/** The canonical IANA name of a time zone (as the calling window will read it), or null. */
export function canonicalTimeZone(name: string): string | null {
  if (isCanonicalName(name)) return name;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}
