/** A duration in ms as `850 ms`, `12.3 s`, `4 min 05 s` or `2 h 03 min`. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)} s`;
  const totalSec = Math.round(ms / 1_000);
  if (totalSec < 3_600) {
    return `${Math.floor(totalSec / 60)} min ${String(totalSec % 60).padStart(2, '0')} s`;
  }
  const totalMin = Math.floor(totalSec / 60);
  return `${Math.floor(totalMin / 60)} h ${String(totalMin % 60).padStart(2, '0')} min`;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string | undefined, withDate: boolean): Intl.DateTimeFormat {
  const key = `${timeZone ?? ''}|${withDate}`;
  let f = formatters.get(key);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-GB', {
      ...(timeZone === undefined ? {} : { timeZone }),
      ...(withDate ? { year: 'numeric', month: '2-digit', day: '2-digit' } : {}),
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(key, f);
  }
  return f;
}

/**
 * Epoch ms as `2026-11-24 09:05:03` in a time zone (the browser's when none is given).
 * Falls back to UTC for a zone the browser does not know, saying so.
 */
export function formatDateTime(at: number | null | undefined, timeZone?: string): string {
  if (at === null || at === undefined) return '—';
  try {
    const parts = Object.fromEntries(
      formatter(timeZone, true)
        .formatToParts(at)
        .map((p) => [p.type, p.value]),
    );
    return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
  } catch {
    return `${new Date(at).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
  }
}

/** Epoch ms as `11-24 09:05:03` in a time zone: a table cell's width. */
export function formatShortDateTime(at: number | null | undefined, timeZone?: string): string {
  return at === null || at === undefined ? '—' : formatDateTime(at, timeZone).slice(5);
}

/** Epoch ms as `09:05:03` in a time zone. */
export function formatClock(at: number, timeZone?: string): string {
  try {
    return formatter(timeZone, false).format(at);
  } catch {
    return `${new Date(at).toISOString().slice(11, 19)} UTC`;
  }
}

/** A count with thousands separators. */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}
