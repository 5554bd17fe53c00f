import type { Campaign, CampaignAiTarget } from './campaign.js';
import {
  appArgumentProblem,
  callerIdProblem,
  channelVariableProblem,
  contextNameProblem,
  extensionProblem,
  freeTextProblem,
  tokenProblem,
} from './pbx-strings.js';

/**
 * What keeps an AI target from being handed a call, by the PBX string rules: the API
 * refuses such a target field by field, and starting a campaign checks it once more for
 * campaigns stored before the rules (or written by other means than the API).
 */
export function aiTargetProblems(target: CampaignAiTarget): string[] {
  const problems: string[] = [];
  const check = (what: string, problem: string | null) => {
    if (problem !== null) problems.push(`${what} ${problem}`);
  };
  if (target.kind === 'dialplan') {
    check('the dialplan context', contextNameProblem(target.context));
    check('the extension', extensionProblem(target.extension));
  } else if (target.kind === 'app') {
    check('the ARI application', tokenProblem(target.app));
    target.args.forEach((arg, i) => {
      check(`argument ${i + 1}`, appArgumentProblem(arg));
    });
  } else {
    check("AAVA's app", tokenProblem(target.app));
    check('the agent', tokenProblem(target.agent));
    if (target.provider !== null) check('the provider', tokenProblem(target.provider));
    if (target.audioProfile !== null) check('the audio profile', tokenProblem(target.audioProfile));
  }
  return problems;
}

/** What keeps the campaign's own text (caller id, AI variables, name) from reaching the PBX. */
export function campaignTextProblems(
  campaign: Pick<Campaign, 'name' | 'callerId' | 'aiContext' | 'aiProvider' | 'aiAgent'>,
): string[] {
  const problems: string[] = [];
  const check = (what: string, value: string | null, rule: (value: string) => string | null) => {
    const problem = value === null ? null : rule(value);
    if (problem !== null) problems.push(`${what} ${problem}`);
  };
  check('the name', campaign.name, freeTextProblem);
  check('the caller id', campaign.callerId, callerIdProblem);
  check('AI_CONTEXT', campaign.aiContext, channelVariableProblem);
  check('AI_PROVIDER', campaign.aiProvider, channelVariableProblem);
  check('AI_AGENT', campaign.aiAgent, channelVariableProblem);
  return problems;
}
