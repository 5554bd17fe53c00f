import { describe, expect, it } from 'vitest';
import { newAttemptId } from '../../../src/store/journal/attempt-ids.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('newAttemptId', () => {
  it('makes UUIDs of version 7 that carry the time they were made', () => {
    const at = Date.UTC(2026, 11, 6, 12, 0, 0, 123);
    const id = newAttemptId(at);
    expect(id).toMatch(UUID_V7);
    expect(Number.parseInt(id.replaceAll('-', '').slice(0, 12), 16)).toBe(at);
    expect(newAttemptId()).toMatch(UUID_V7);
    // The whole 48 bits, at both ends.
    expect(newAttemptId(0)).toMatch(/^00000000-0000-7/);
    expect(newAttemptId(2 ** 48 - 1)).toMatch(/^ffffffff-ffff-7/);
    expect(newAttemptId(0x0123456789ab)).toMatch(/^01234567-89ab-7/);
  });

  it('sorts ids made later after ids made earlier, as text', () => {
    // The property the indexes keyed by attempt id rely on: new keys go at their end.
    const start = Date.UTC(2026, 11, 6);
    const ids = Array.from({ length: 2_000 }, (_, n) => newAttemptId(start + n * 7));
    expect([...ids].sort()).toEqual(ids);
  });

  it('never makes the same id twice, even within one millisecond', () => {
    const at = Date.now();
    const ids = Array.from({ length: 20_000 }, () => newAttemptId(at));
    expect(new Set(ids).size).toBe(ids.length);
  });
});
