/**
 * The calling-window check every claim makes: µs per check with the positions each
 * schedule remembers, against the same checks computed afresh (the baseline, measured in
 * the same run). An office-hours window in New York, and an always-open UTC window, which
 * walked every stretch of the horizon before.
 *
 *   npm run bench:calling-window
 */
import {
  type CallingWindowSettings,
  checkCallingWindow,
  forgetCallingWindowPositions,
} from '../src/campaign/calling-window.js';

const WINDOWS: Array<[string, CallingWindowSettings]> = [
  [
    'office hours, America/New_York',
    {
      timezone: 'America/New_York',
      window: { start: '09:00', end: '17:00', days: [1, 2, 3, 4, 5] },
      startsAt: null,
      endsAt: null,
    },
  ],
  [
    'always open, UTC',
    {
      timezone: 'UTC',
      window: { start: '00:00', end: '00:00', days: [1, 2, 3, 4, 5, 6, 7] },
      startsAt: null,
      endsAt: null,
    },
  ],
];
const CHECKS = 50_000;
// Claims a few ms apart, a third of the leads with a time zone of their own.
const START = Date.UTC(2026, 11, 7, 15, 0, 0);

function perCheckMicros(settings: CallingWindowSettings, fresh: boolean): number {
  const began = performance.now();
  for (let i = 0; i < CHECKS; i += 1) {
    if (fresh) forgetCallingWindowPositions();
    checkCallingWindow(settings, START + i * 10, i % 3 === 0 ? 'America/Chicago' : null);
  }
  return ((performance.now() - began) * 1000) / CHECKS;
}

for (const [name, settings] of WINDOWS) {
  perCheckMicros(settings, false); // warm up
  const baseline = perCheckMicros(settings, true);
  const remembered = perCheckMicros(settings, false);
  console.log(
    `${name}: ${remembered.toFixed(2)} µs per check (afresh ${baseline.toFixed(1)} µs, ${(baseline / remembered).toFixed(0)}x)`,
  );
}
