/** The last stamp made: events of one instant come in runs (a channel's state, dial, hangup…). */
let lastMs = Number.NaN;
let lastText = '';

/**
 * Formats epoch ms the way Asterisk stamps events and snapshots:
 * `2026-11-24T06:16:58.636+0000` (milliseconds, UTC, offset without a colon; fact 21).
 * The last result is kept: a busy simulator stamps many events in the same millisecond,
 * and building a Date and its ISO string for each was a visible share of its CPU time.
 */
export function formatAsteriskTime(epochMs: number): string {
  if (epochMs !== lastMs) {
    lastText = `${new Date(epochMs).toISOString().slice(0, 23)}+0000`;
    lastMs = epochMs;
  }
  return lastText;
}
