import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { epochToWallTime, wallTimeToEpoch } from '../../web/src/view/zoned-time.js';

const luxon = (wall: string, zone: string) => DateTime.fromISO(wall, { zone }).toMillis();

describe('zoned wall times', () => {
  it('agrees with luxon across zones and seasons', () => {
    for (const zone of [
      'UTC',
      'Europe/London',
      'America/New_York',
      'Asia/Kolkata',
      'Australia/Lord_Howe',
    ]) {
      for (const wall of ['2026-01-15T09:30', '2026-07-01T23:59', '2026-11-01T00:00']) {
        expect(wallTimeToEpoch(wall, zone), `${wall} ${zone}`).toBe(luxon(wall, zone));
        expect(epochToWallTime(luxon(wall, zone), zone)).toBe(wall);
      }
    }
  });

  it('resolves a time the spring-forward skips to the instant after the jump', () => {
    // New York skips 02:00–03:00 on 2026-03-08.
    expect(wallTimeToEpoch('2026-03-08T02:30', 'America/New_York')).toBe(
      luxon('2026-03-08T03:30', 'America/New_York'),
    );
  });

  it('says null for text that is not a wall time or a zone that does not exist', () => {
    expect(wallTimeToEpoch('2026-03-08 02:30', 'UTC')).toBeNull();
    expect(wallTimeToEpoch('2026-03-08T02:30', 'Mars/Olympus')).toBeNull();
  });
});
