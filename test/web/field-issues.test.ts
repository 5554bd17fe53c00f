import { describe, expect, it } from 'vitest';
import { FORM_KEYS } from '../../web/src/view/campaign-form.js';
import { placeIssues } from '../../web/src/view/field-issues.js';

describe('placeIssues', () => {
  it('puts each API issue on its field, the deepest one its path reaches', () => {
    const placed = placeIssues(
      [
        { path: 'body.window.start', message: 'must be HH:MM' },
        { path: 'body.window.days.3', message: 'too big' },
        { path: 'body.window', message: 'startsAt is not before endsAt' },
        { path: 'body.amd.greeting', message: 'too small' },
        { path: 'body.retry.retryAfterMinutes.busy', message: 'at least 1' },
      ],
      FORM_KEYS,
    );
    expect(placed.byField).toEqual({
      'window.start': ['must be HH:MM'],
      'window.days': ['too big'],
      window: ['startsAt is not before endsAt'],
      'amd.greeting': ['too small'],
      'retry.retryAfterMinutes.busy': ['at least 1'],
    });
    expect(placed.unplaced).toEqual([]);
  });

  it('keeps issues no field can show instead of dropping them', () => {
    const placed = placeIssues(
      [
        { path: 'body.unknownSetting', message: 'Unrecognized key' },
        { path: 'body', message: 'expected object' },
      ],
      FORM_KEYS,
    );
    expect(placed.byField).toEqual({});
    expect(placed.unplaced).toEqual([
      { path: 'body.unknownSetting', message: 'Unrecognized key' },
      { path: 'body', message: 'expected object' },
    ]);
  });
});
