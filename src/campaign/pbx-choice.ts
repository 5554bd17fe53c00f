/**
 * Which PBX takes the next call of a campaign (ADR 028). Pure: the caller gathers each
 * PBX's health and load at one instant and records the choice before choosing again.
 */

/** One enabled PBX as a choice sees it. */
export interface PbxLoad {
  name: string;
  /** Most attempts live at once on this PBX. */
  maxChannels: number;
  /** Attempts live on it now (each counts once, whatever its state). */
  live: number;
  /**
   * Why it takes no call now though enabled: not connected, held after an originate
   * failed with a 5xx or no answer; null when healthy.
   */
  unavailable: string | null;
}

export type PbxChoice =
  | { ok: true; pbx: string }
  /** No PBX may take the call; `detail` says why of each the campaign may use. */
  | { ok: false; detail: string };

/**
 * The least loaded PBX the campaign may use (`allowed`, null = every one; `excluded`
 * are those its circuit breaker holds it off) that is healthy and under its own
 * `maxChannels`. Load is the share of its channels in use, so a larger PBX takes more
 * calls; ties go to fewer live calls, then to the order of configuration.
 */
export function choosePbx(
  pbxs: readonly PbxLoad[],
  allowed: readonly string[] | null,
  excluded: ReadonlySet<string> = new Set(),
): PbxChoice {
  const usable = allowed === null ? pbxs : pbxs.filter((pbx) => allowed.includes(pbx.name));
  if (usable.length === 0) {
    return {
      ok: false,
      detail:
        allowed === null || allowed.length === 0
          ? 'no PBX is enabled'
          : `none of the campaign's PBXs (${allowed.join(', ')}) is configured and enabled`,
    };
  }
  let pick: PbxLoad | undefined;
  const why: string[] = [];
  for (const pbx of usable) {
    const problem = problemOf(pbx, excluded);
    if (problem !== null) {
      why.push(`${pbx.name}: ${problem}`);
      continue;
    }
    if (pick === undefined || lessLoaded(pbx, pick)) pick = pbx;
  }
  return pick ? { ok: true, pbx: pick.name } : { ok: false, detail: why.join('; ') };
}

function problemOf(pbx: PbxLoad, excluded: ReadonlySet<string>): string | null {
  if (pbx.unavailable !== null) return pbx.unavailable;
  if (excluded.has(pbx.name)) return "the campaign's calls on it keep failing (circuit breaker)";
  // Written so that a NaN holds the call back.
  if (!(pbx.live < pbx.maxChannels)) return `at its channel cap (${pbx.live}/${pbx.maxChannels})`;
  return null;
}

function lessLoaded(a: PbxLoad, b: PbxLoad): boolean {
  const aShare = a.live / a.maxChannels;
  const bShare = b.live / b.maxChannels;
  if (aShare !== bShare) return aShare < bShare;
  return a.live < b.live;
}
