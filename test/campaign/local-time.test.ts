import { IANAZone } from 'luxon';
import { describe, expect, it } from 'vitest';
import { instantOfLocalTime, type Occurrence } from '../../src/campaign/local-time.js';

/** A wall-clock reading in the encoding the module uses: local time written as if UTC. */
function wallClock(iso: string): number {
  return Date.parse(`${iso}Z`);
}

describe('instantOfLocalTime', () => {
  // biome-ignore format: one case per line reads as a table
  it.each([
    ['an ordinary time', 'Asia/Kolkata', '2026-03-08T09:00', 'first', '2026-03-08T03:30:00.000Z'],
    ['the first of a repeated time', 'America/New_York', '2026-11-01T01:30', 'first', '2026-11-01T05:30:00.000Z'],
    ['the last of a repeated time', 'America/New_York', '2026-11-01T01:30', 'last', '2026-11-01T06:30:00.000Z'],
    ['the first of a time repeated by half an hour', 'Australia/Lord_Howe', '2026-04-05T01:45', 'first', '2026-04-04T14:45:00.000Z'],
    ['the last of a time repeated by half an hour', 'Australia/Lord_Howe', '2026-04-05T01:45', 'last', '2026-04-04T15:15:00.000Z'],
    ['the jump for a skipped time', 'America/New_York', '2026-03-08T02:30', 'first', '2026-03-08T07:00:00.000Z'],
    ['the jump for a time skipped by half an hour', 'Australia/Lord_Howe', '2026-10-04T02:15', 'last', '2026-10-03T15:30:00.000Z'],
    ['the jump for the first skipped minute', 'Europe/London', '2026-03-29T01:00', 'last', '2026-03-29T01:00:00.000Z'],
  ] as const)('resolves %s (%s %s, %s)', (_, timezone, local, occurrence: Occurrence, expected) => {
    const instant = instantOfLocalTime(IANAZone.create(timezone), wallClock(local), occurrence);
    expect(new Date(instant).toISOString()).toBe(expected);
  });
});
