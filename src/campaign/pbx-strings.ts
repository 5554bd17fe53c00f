/**
 * The rules for text that reaches Asterisk: dialplan names, caller ids, ARI application
 * names and arguments, channel variables, and free text stored beside them. Each check
 * returns why a value is refused, as a sentence that completes "<field>: …", or null
 * when the value may be sent as it is. Pure: the campaign schemas, the lead validator
 * and the start preconditions all call these, so a value is judged the same everywhere.
 */

/**
 * Characters of a context or extension name at most: Asterisk keeps them in buffers of
 * `AST_MAX_CONTEXT` / `AST_MAX_EXTENSION` (80) bytes, the terminating NUL included.
 */
export const MAX_DIALPLAN_NAME_LENGTH = 79;

/**
 * Bytes (UTF-8) of one channel variable's value at most. Asterisk substitutes `${VAR}` in
 * a dialplan application's arguments through a `VAR_BUF_SIZE` (4096) buffer, NUL
 * included: a longer value reaches the dialplan cut short, without any error.
 */
export const MAX_CHANNEL_VARIABLE_BYTES = 4095;

/** Characters of a caller id's number part at most (Asterisk stores more; trunks take fewer). */
export const MAX_CALLER_ID_NUMBER_LENGTH = 40;

/**
 * Control characters (NUL, tab, CR/LF, ESC, DEL, the C1 block) and the Unicode line and
 * paragraph separators: they split a dialplan line, an AMI or log line, or a SIP header.
 */
const CONTROL = /[\p{Cc}\u2028\u2029]/u;
const DIALPLAN_CONTEXT = /^[A-Za-z0-9_-]+$/;
/** A literal extension: a leading `_` would make Asterisk read it as a pattern. */
const EXTENSION = /^[A-Za-z0-9*#+-][A-Za-z0-9*#+_-]*$/;
/** A UTF-16 surrogate without its other half (matched without the `u` flag, unit by unit). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const TOKEN = /^[A-Za-z0-9._-]+$/;
const CALLER_ID_NUMBER = /^\+?[0-9*#]+$/;
/** `"Name" <number>`, `Name <number>` or `<number>`; the name is checked on its own. */
const CALLER_ID_WITH_NAME = /^(?:"([^"]*)"|([^<>]*?))\s*<([^<>]*)>$/;

/** What a text value is refused for, before any rule of its own: control characters, broken Unicode. */
export function freeTextProblem(value: string): string | null {
  const control = CONTROL.exec(value);
  if (control !== null) {
    return `must not contain control characters such as line breaks or NUL (found ${codePoint(control[0])} at character ${control.index + 1})`;
  }
  // A lone UTF-16 surrogate cannot be written as UTF-8: SQLite and Asterisk would get U+FFFD.
  if (LONE_SURROGATE.test(value))
    return 'must be well-formed Unicode text (it holds a lone surrogate)';
  return null;
}

/**
 * A dialplan context name as Asterisk's configuration takes it: letters, digits, `-` and
 * `_`, at most 79 characters. Anything else (`,`, `|`, spaces, `../`) would be read as
 * an argument separator or refused by `Goto()`/`continueInDialplan`.
 */
export function contextNameProblem(value: string): string | null {
  return dialplanNameProblem(value, DIALPLAN_CONTEXT, 'letters, digits, "-" and "_"');
}

/**
 * A literal extension to continue at: letters, digits, `*`, `#`, `+`, `-` and `_`, not
 * starting with `_` (that is a pattern, not a place), at most 79 characters (`s`,
 * `1000`, `*98`, `+15551234567`, `ai-agent`).
 */
export function extensionProblem(value: string): string | null {
  if (value.startsWith('_')) {
    return 'must be a literal extension: a leading "_" makes it a pattern';
  }
  return dialplanNameProblem(value, EXTENSION, 'letters, digits, "*", "#", "+", "-" and "_"');
}

/**
 * A short name sent as it is: an ARI application (`Stasis(<app>)`, whose arguments follow
 * a comma), an AI agent's slug, a provider or an audio profile. Letters, digits, `.`,
 * `-` and `_`, at most `maxLength` characters.
 */
export function tokenProblem(value: string, maxLength = MAX_DIALPLAN_NAME_LENGTH): string | null {
  if (value.length === 0) return 'must not be empty';
  if (value.length > maxLength) return `must be at most ${maxLength} characters`;
  if (!TOKEN.test(value)) return 'may only hold letters, digits, ".", "-" and "_"';
  return null;
}

/**
 * One argument of an ARI application: `appArgs` is the arguments joined with commas, so an
 * argument with a comma would arrive as two. No control characters either.
 */
export function appArgumentProblem(value: string): string | null {
  if (value.includes(',')) return 'must not contain "," (it separates the arguments)';
  return freeTextProblem(value);
}

/**
 * A caller id as Asterisk parses it (`ast_callerid_parse`): a number (`+15551234567`,
 * `6789`), or `"Name" <number>`, `Name <number>`, `<number>`. The number is digits with
 * an optional leading `+` (and `*`, `#`), at most 40; the name is printable text without
 * `"`, `<` or `>`.
 */
export function callerIdProblem(value: string): string | null {
  const text = freeTextProblem(value);
  if (text !== null) return text;
  const trimmed = value.trim();
  const named = CALLER_ID_WITH_NAME.exec(trimmed);
  if (named === null) {
    if (/["<>]/.test(trimmed)) {
      return 'must be a number or "Name" <number>, with the name\'s quotes and the number\'s <> paired';
    }
    return callerIdNumberProblem(trimmed);
  }
  const name = (named[1] ?? named[2] ?? '').trim();
  if (/["<>]/.test(name)) {
    return 'the name must not contain ", < or > other than the quotes around it: "Name" <number>';
  }
  return callerIdNumberProblem(named[3]?.trim() ?? '');
}

/**
 * A channel variable's value: no control characters, at most 4095 bytes of UTF-8 (what
 * the dialplan can read back whole).
 */
export function channelVariableProblem(
  value: string,
  maxBytes = MAX_CHANNEL_VARIABLE_BYTES,
): string | null {
  const text = freeTextProblem(value);
  if (text !== null) return text;
  const bytes = utf8Length(value);
  if (bytes > maxBytes) {
    return `is ${bytes} bytes as UTF-8; a channel variable holds at most ${maxBytes}`;
  }
  return null;
}

/** Bytes of `value` in UTF-8, without encoding it. */
export function utf8Length(value: string): number {
  let bytes = 0;
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && isLowSurrogate(value.charCodeAt(i + 1))) {
      // A surrogate pair: one code point of 4 bytes.
      bytes += 4;
      i += 1;
    } else bytes += 3;
  }
  return bytes;
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}

function dialplanNameProblem(value: string, allowed: RegExp, what: string): string | null {
  if (value.length === 0) return 'must not be empty';
  if (value.length > MAX_DIALPLAN_NAME_LENGTH) {
    return `must be at most ${MAX_DIALPLAN_NAME_LENGTH} characters (Asterisk's limit)`;
  }
  if (!allowed.test(value)) return `may only hold ${what}`;
  return null;
}

function callerIdNumberProblem(number: string): string | null {
  if (number === '') return 'needs a number, e.g. +15551234567 or "Clinic" <6789>';
  if (number.length > MAX_CALLER_ID_NUMBER_LENGTH) {
    return `the number must be at most ${MAX_CALLER_ID_NUMBER_LENGTH} characters`;
  }
  if (!CALLER_ID_NUMBER.test(number)) {
    return `the number "${number}" may only hold digits, a leading "+", "*" and "#"`;
  }
  return null;
}

function codePoint(char: string): string {
  return `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}
