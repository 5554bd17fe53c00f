import { resolveAiTarget } from '../calls/attempt-input.js';
import type { Campaign } from '../campaign/campaign.js';
import type { AiTarget } from '../machines/attempt-types.js';
import type { SetupCheck, SetupProbe } from './setup-probe.js';

/** A campaign's hand-off target, resolved as its attempts would use it. */
export interface CampaignTarget {
  campaignName: string;
  target: AiTarget;
}

/** What is wrong with a hand-off target, and how to fix it; null when it is usable. */
export interface TargetProblem {
  /** Fails the check (and refuses a start), or only warns. */
  severity: 'fail' | 'warn';
  detail: string;
  fix: string;
}

/**
 * Whether Asterisk can take a hand-off to `target` now: the context and extension a
 * dialplan target continues into (as `DIALPLAN_EXISTS` sees it), the app a move goes to,
 * and for AAVA the hand-off context and whether AAVA's app is connected. A missing AAVA
 * only warns: the hand-off context's fallback lets the caller go, and AAVA may come back
 * before the first call is answered.
 */
export async function checkAiTarget(
  probe: SetupProbe,
  target: AiTarget,
): Promise<TargetProblem | null> {
  if (target.kind === 'app') {
    const connected = await probe.appConnected(target.app);
    if (!connected.ok) return { severity: 'fail', detail: connected.message, fix: PROBE_FIX };
    return connected.value
      ? null
      : {
          severity: 'fail',
          detail: `no websocket holds ARI app ${target.app}: every move to it would fail (ApplicationMoveFailed)`,
          fix: `Start the application that registers ${target.app}, or point the campaign's AI target at the app it really uses.`,
        };
  }
  const extension = target.kind === 'dialplan' ? target.extension : 's';
  const found = await probe.dialplanHas([{ context: target.context, extension }]);
  if (!found.ok) return { severity: 'fail', detail: found.message, fix: PROBE_FIX };
  if (!found.value[0]) {
    return {
      severity: 'fail',
      detail: `Asterisk has no ${target.context},${extension},1: every hand-off would end at once (handoff_failed)`,
      fix:
        target.kind === 'aava'
          ? `Install the hand-off context ${target.context} from the rendered dialplan (dialplan/extensions_dialstate.conf, or the Setup page), then \`asterisk -rx 'dialplan reload'\`.`
          : `Create ${target.context},${extension} in the dialplan, or point the campaign's AI target at the context your agent really uses.`,
    };
  }
  if (target.kind === 'dialplan') return null;
  const connected = await probe.appConnected(target.app);
  if (!connected.ok) return { severity: 'warn', detail: connected.message, fix: PROBE_FIX };
  return connected.value
    ? null
    : {
        severity: 'warn',
        detail: `AAVA's app ${target.app} is not connected: consenting callers would hear the fallback and be released (handoff_failed)`,
        fix: `Start AAVA's engine (its ai_engine service), and check that its asterisk.app_name is ${target.app}.`,
      };
}

/** One doctor line per distinct target of the campaigns given. */
export async function aiTargetChecks(
  probe: SetupProbe,
  targets: readonly CampaignTarget[],
): Promise<SetupCheck[]> {
  const byTarget = new Map<string, { target: AiTarget; campaigns: string[] }>();
  for (const { campaignName, target } of targets) {
    const key = describeTarget(target);
    const entry = byTarget.get(key) ?? { target, campaigns: [] };
    entry.campaigns.push(campaignName);
    byTarget.set(key, entry);
  }
  const checks: SetupCheck[] = [];
  for (const [key, { target, campaigns }] of byTarget) {
    const title = `AI target ${key} (${campaigns.join(', ')})`;
    const problem = await checkAiTarget(probe, target);
    checks.push(
      problem
        ? {
            id: 'ai-target',
            title,
            ok: problem.severity === 'fail' ? false : 'warn',
            detail: problem.detail,
            fix: problem.fix,
          }
        : { id: 'ai-target', title, ok: true, detail: 'Asterisk can take the hand-off', fix: null },
    );
  }
  return checks;
}

/** A target in words: `ai-handoff,s,1`, `app ai-agent`, `AAVA app … via …`. */
export function describeTarget(target: AiTarget): string {
  if (target.kind === 'app') return `app ${target.app}`;
  if (target.kind === 'aava') return `AAVA app ${target.app} via ${target.context}`;
  return `${target.context},${target.extension},${target.priority}`;
}

const PROBE_FIX = "Check that ARI answers (`dialstate doctor`) and look at Asterisk's log.";

/** The targets of the campaigns that may dial (running or paused), as their attempts use them. */
export function campaignTargets(
  campaigns: readonly Campaign[],
  aavaHandoffContext: string,
): CampaignTarget[] {
  return campaigns
    .filter((campaign) => campaign.status === 'running' || campaign.status === 'paused')
    .map((campaign) => ({
      campaignName: campaign.name,
      target: resolveAiTarget(campaign.aiTarget, aavaHandoffContext),
    }));
}
