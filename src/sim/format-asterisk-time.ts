/**
 * Formats epoch ms the way Asterisk stamps events and snapshots:
 * `2026-11-24T06:16:58.636+0000` (milliseconds, UTC, offset without a colon; fact 21).
 */
export function formatAsteriskTime(epochMs: number): string {
  return `${new Date(epochMs).toISOString().slice(0, 23)}+0000`;
}
