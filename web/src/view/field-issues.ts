/** Problems to show, by the form field (or group of fields) they belong to. */
export interface PlacedIssues {
  /** Messages by field key (`window.start`) or group key (`window`). */
  byField: Record<string, string[]>;
  /** Messages no field on the form can show, with the path the API gave. */
  unplaced: { path: string; message: string }[];
}

/**
 * Places the API's validation issues (`{ path: 'body.window.start', message }`) next to
 * the fields they are about. An issue goes to the deepest key on the form that is its
 * path or a prefix of it (`body.window.days.3` → `window.days`; `body.window` → the
 * window group); the rest are listed on their own, never dropped.
 */
export function placeIssues(
  issues: readonly { path: string; message: string }[],
  keys: ReadonlySet<string>,
): PlacedIssues {
  const byField: Record<string, string[]> = {};
  const unplaced: PlacedIssues['unplaced'] = [];
  for (const issue of issues) {
    const segments = issue.path
      .replace(/^body\.?/, '')
      .split('.')
      .filter(Boolean);
    let placed = false;
    for (let n = segments.length; n > 0 && !placed; n--) {
      const key = segments.slice(0, n).join('.');
      if (keys.has(key)) {
        const list = byField[key] ?? [];
        list.push(issue.message);
        byField[key] = list;
        placed = true;
      }
    }
    if (!placed) unplaced.push({ path: issue.path, message: issue.message });
  }
  return { byField, unplaced };
}
