/** Why a number may not be dialed: the do-not-call entry that blocks it. */
export interface DncMatch {
  /** The global list, or the campaign's own. */
  scope: 'global' | 'campaign';
  reason: string | null;
}

/** How a block reads on a lead and in an import's issues, e.g. `on the global do-not-call list (asked)`. */
export function dncNote(match: DncMatch): string {
  const list = match.scope === 'global' ? 'the global' : "the campaign's";
  return `on ${list} do-not-call list${match.reason ? ` (${match.reason})` : ''}`;
}
