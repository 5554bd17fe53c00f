/**
 * The fields of a flat BSON document whose values are all strings, read without the
 * `bson` package: the one such document read at run time (the phone-number time-zone
 * mapping, phone-zones.ts) needs no more of the format, and the package costs a
 * process that loads it ~2.4 MB of peak RSS (its code, and a WebAssembly module it
 * instantiates as it loads; docs/BENCHMARKS.md, "CLI start-up").
 *
 * Format (https://bsonspec.org/spec.html): an int32 byte length, then elements, then a
 * 0 byte; a string element is the type byte 0x02, its name as a NUL-terminated UTF-8
 * string, an int32 byte length (the terminating NUL included), the UTF-8 bytes and a NUL.
 * All integers little-endian.
 *
 * @throws Error naming the offset when the document is truncated, malformed, or holds
 *   a field of another type.
 */
export function readBsonStrings(bytes: Uint8Array): Map<string, string> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const fail = (what: string, at: number): never => {
    throw new Error(`not a flat BSON document of strings: ${what} at byte ${at}`);
  };
  if (bytes.length < 5) fail('too short', 0);
  const size = view.getInt32(0, true);
  if (size !== bytes.length || bytes[size - 1] !== 0) fail(`a length of ${size}`, 0);
  const fields = new Map<string, string>();
  let at = 4;
  while (at < size - 1) {
    const type = bytes[at] ?? 0;
    if (type !== 0x02) fail(`a field of type 0x${type.toString(16)}`, at);
    const nameEnd = bytes.indexOf(0, at + 1);
    if (nameEnd < 0 || nameEnd + 5 > size - 1) fail('a truncated field name', at);
    const name = decoder.decode(bytes.subarray(at + 1, nameEnd));
    const length = view.getInt32(nameEnd + 1, true);
    const start = nameEnd + 5;
    const end = start + length - 1;
    if (length < 1 || end >= size - 1 || bytes[end] !== 0) fail('a malformed string', at);
    fields.set(name, decoder.decode(bytes.subarray(start, end)));
    at = end + 1;
  }
  return fields;
}
