import { parsePhoneNumberWithError } from 'libphonenumber-js/min';

/**
 * Dial strings: how a lead's number becomes the endpoint dialstate originates. A
 * template names one channel technology and a resource with a placeholder for the
 * number, e.g. `Local/{number}@from-internal` (FreePBX's outbound routes and the
 * outbound identity apply) or `PJSIP/{e164digits}@my-trunk` (straight to a trunk: the
 * channel in our app is then a real caller channel, which the AI voice agent AAVA
 * requires).
 */

/** Channel technologies a template may name (Asterisk's own spelling). */
export const DIAL_TECHNOLOGIES = ['Local', 'PJSIP', 'SIP', 'IAX2', 'DAHDI', 'Dongle'] as const;
export type DialTechnology = (typeof DIAL_TECHNOLOGIES)[number];

/**
 * The number formats a template can use. FreePBX outbound-route patterns commonly do
 * not match a leading `+`, hence the variants without it.
 */
export const DIAL_PLACEHOLDERS = {
  number: 'the number as stored: E.164 with its + (+14155550101), or the extension',
  e164: 'E.164 with its + (+14155550101)',
  e164digits: 'E.164 without the + (14155550101)',
  national: 'the national number as dialed inside its country (4155550101, 02079460958)',
} as const;
export type DialPlaceholder = keyof typeof DIAL_PLACEHOLDERS;

/** The server's default: today's behaviour, through the dial context. */
export function defaultDialString(dialContext: string): string {
  return `Local/{number}@${dialContext}`;
}

const PLACEHOLDER = /\{([a-z0-9]+)\}/g;
// What may stand around the placeholders: a technology, `/`, a resource (letters,
// digits, `_`, `-`, `.`, `@`, `+`, `*`, `#`) and Local's `/n`-style option suffix. No
// `&` (a second channel), `,` `(` `)` `$` `[` `]` `;` `"` spaces or control characters:
// they would change what the dialplan or the channel driver reads.
const TEMPLATE_TEXT = /^[A-Za-z0-9_@+*#./-]*$/;
const RENDERED = /^[A-Za-z0-9_@+*#./-]+$/;
const MAX_TEMPLATE_LENGTH = 200;

/** A template read apart, or the reasons it cannot be used. */
export type DialStringCheck =
  | { ok: true; technology: DialTechnology }
  | { ok: false; problems: string[] };

/** Checks a dial-string template; every problem is reported at once. */
export function checkDialString(template: string): DialStringCheck {
  const problems: string[] = [];
  if (template.length === 0) return { ok: false, problems: ['must not be empty'] };
  if (template.length > MAX_TEMPLATE_LENGTH) {
    problems.push(`must be at most ${MAX_TEMPLATE_LENGTH} characters`);
  }
  const slash = template.indexOf('/');
  const technology = DIAL_TECHNOLOGIES.find(
    (name) => slash > 0 && template.slice(0, slash).toLowerCase() === name.toLowerCase(),
  );
  if (!technology) {
    problems.push(
      `must start with one channel technology and a slash: ${DIAL_TECHNOLOGIES.map((t) => `${t}/`).join(', ')}`,
    );
  }
  const placeholders = [...template.matchAll(PLACEHOLDER)].map((match) => match[1] ?? '');
  const unknown = placeholders.filter((name) => !(name in DIAL_PLACEHOLDERS));
  if (unknown.length > 0) {
    problems.push(
      `unknown placeholder ${unknown.map((n) => `{${n}}`).join(', ')}; use ${Object.keys(
        DIAL_PLACEHOLDERS,
      )
        .map((n) => `{${n}}`)
        .join(', ')}`,
    );
  }
  if (placeholders.length !== 1) {
    problems.push('must hold the number exactly once, e.g. {number} or {e164digits}');
  }
  const rest = template.replace(PLACEHOLDER, '');
  if (!TEMPLATE_TEXT.test(rest)) {
    problems.push(
      'may hold only letters, digits and _ - . @ + * # / besides the placeholder (no &, commas, parentheses, $, brackets, spaces or control characters)',
    );
  }
  const resource = slash > 0 ? template.slice(slash + 1) : '';
  if (resource.replace(PLACEHOLDER, 'x').replace(/\/[a-z]*$/, '') === '') {
    problems.push('needs a resource after the technology, e.g. PJSIP/{e164digits}@my-trunk');
  }
  if (technology === 'Local' && !/@[A-Za-z0-9_-]+(\/[a-z]*)?$/.test(template)) {
    problems.push('a Local/ dial string needs @<context>, e.g. Local/{number}@from-internal');
  }
  return problems.length > 0 || !technology ? { ok: false, problems } : { ok: true, technology };
}

/** Whether a template dials through a Local channel (the channel in our app is `;1`). */
export function isLocalDialString(template: string): boolean {
  return template.slice(0, 6).toLowerCase() === 'local/';
}

/**
 * Renders a checked template for a stored number (E.164 `+…` or an extension).
 *
 * @throws RangeError when the template is invalid or the result would hold characters a
 * dial string may not.
 */
export function renderDialString(template: string, number: string): string {
  const check = checkedTemplate(template);
  if (!check.ok) throw new RangeError(`invalid dial string: ${check.problems.join('; ')}`);
  const rendered = template.replace(PLACEHOLDER, (_, name: DialPlaceholder) =>
    formatNumber(number, name),
  );
  if (!RENDERED.test(rendered)) {
    throw new RangeError(`the dial string for ${JSON.stringify(number)} holds invalid characters`);
  }
  return rendered;
}

/**
 * The checks of the templates rendered lately. A campaign renders the same template for
 * every call it makes, and checking it took more than rendering it; the few templates
 * in use (the server's default, one per campaign or PBX) fit, and a template is checked
 * again once they do not.
 */
const checkedTemplates = new Map<string, DialStringCheck>();
const MAX_CHECKED_TEMPLATES = 64;

function checkedTemplate(template: string): DialStringCheck {
  let check = checkedTemplates.get(template);
  if (check === undefined) {
    check = checkDialString(template);
    if (checkedTemplates.size >= MAX_CHECKED_TEMPLATES) checkedTemplates.clear();
    checkedTemplates.set(template, check);
  }
  return check;
}

function formatNumber(number: string, placeholder: DialPlaceholder): string {
  if (!number.startsWith('+')) return number; // an internal extension: the same in every form
  switch (placeholder) {
    case 'number':
    case 'e164':
      return number;
    case 'e164digits':
      return number.slice(1);
    case 'national':
      return nationalDigits(number);
  }
}

// National formats are computed per number from libphonenumber's metadata (trunk
// prefixes such as the UK's 0 included); a handful of campaign regions repeat, but the
// parse is cheap next to an originate.
function nationalDigits(e164: string): string {
  try {
    return parsePhoneNumberWithError(e164).formatNational().replace(/\D/g, '');
  } catch {
    return e164.slice(1);
  }
}
