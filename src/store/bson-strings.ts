/**
 * A flat BSON document whose values are all strings and whose field names are whole
 * decimal numbers, read without the `bson` package: the one such document read at run
 * time (the phone-number time-zone mapping, phone-zones.ts, whose names are E.164 digit
 * prefixes) needs no more of the format, and the package costs a process that loads it
 * ~2.4 MB of peak RSS (its code, and a WebAssembly module it instantiates as it loads;
 * docs/BENCHMARKS.md, "CLI start-up").
 *
 * Format (https://bsonspec.org/spec.html): an int32 byte length, then elements, then a
 * 0 byte; a string element is the type byte 0x02, its name as a NUL-terminated UTF-8
 * string, an int32 byte length (the terminating NUL included), the UTF-8 bytes and a NUL.
 * All integers little-endian.
 */

/** The document's fields by number; each value is decoded when it is asked for. */
export interface NumberedStrings {
  /** How many fields the document has. */
  readonly size: number;
  /** The value of the field named `name` (its decimal digits), or undefined. */
  get(name: number): string | undefined;
}

/** Field names read as numbers are at most this many digits: exact in a double. */
const MAX_NAME_DIGITS = 15;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;

/**
 * Indexes the fields of the document by their names read as numbers, without decoding
 * one string: the index is a map of numbers to the values' offsets in `bytes`, which it
 * keeps. Decoding the mapping's 3,291 names and values at once (a `Map` of strings) took
 * 1.9 MB of peak RSS in a process that did nothing else after the floor of an import,
 * numbers to offsets 0.6 MB; in a two-row `dialstate import`, 1.1–1.5 MB less
 * (docs/BENCHMARKS.md, "CLI start-up"); an import looks up a few hundred prefixes at most.
 *
 * @throws Error naming the offset when the document is truncated, malformed, holds a
 *   field of another type, or a name that is not a number written without leading zeros
 *   (two such names could stand for one number).
 */
export function indexBsonStringsByNumber(bytes: Uint8Array): NumberedStrings {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fail = (what: string, at: number): never => {
    throw new Error(`not a flat BSON document of strings: ${what} at byte ${at}`);
  };
  if (bytes.length < 5) fail('too short', 0);
  const size = view.getInt32(0, true);
  if (size !== bytes.length || bytes[size - 1] !== 0) fail(`a length of ${size}`, 0);
  /** Each field's name to where its value's int32 length is (its bytes follow). */
  const values = new Map<number, number>();
  let at = 4;
  while (at < size - 1) {
    const type = bytes[at] ?? 0;
    if (type !== 0x02) fail(`a field of type 0x${type.toString(16)}`, at);
    const nameEnd = bytes.indexOf(0, at + 1);
    if (nameEnd < 0 || nameEnd + 5 > size - 1) fail('a truncated field name', at);
    const name = numberOf(bytes, at + 1, nameEnd) ?? fail('a field name that is not a number', at);
    const length = view.getInt32(nameEnd + 1, true);
    const start = nameEnd + 5;
    const end = start + length - 1;
    if (length < 1 || end >= size - 1 || bytes[end] !== 0) fail('a malformed string', at);
    if (values.has(name)) fail(`a second field ${name}`, at);
    values.set(name, nameEnd + 1);
    at = end + 1;
  }
  const decoder = new TextDecoder('utf-8', { fatal: true });
  return {
    size: values.size,
    get(name) {
      const at = values.get(name);
      if (at === undefined) return undefined;
      return decoder.decode(bytes.subarray(at + 4, at + 3 + view.getInt32(at, true)));
    },
  };
}

/** The decimal number `bytes[from, to)` spells, or null if it is not one as written above. */
function numberOf(bytes: Uint8Array, from: number, to: number): number | null {
  if (to === from || to - from > MAX_NAME_DIGITS) return null;
  if (bytes[from] === DIGIT_0 && to - from > 1) return null;
  let value = 0;
  for (let at = from; at < to; at += 1) {
    const byte = bytes[at] ?? 0;
    if (byte < DIGIT_0 || byte > DIGIT_9) return null;
    value = value * 10 + (byte - DIGIT_0);
  }
  return value;
}
