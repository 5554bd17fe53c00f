import { amdHopSteps, renderDialplanSteps } from './amd-hop.js';
import { DEFAULT_AAVA_HANDOFF_CONTEXT, renderAavaHandoffContext } from './handoff-dialplan.js';

/** Names the dialplan is rendered with. */
export interface AmdDialplanNames {
  /** Context the answered call is `continue`d into (`AAVA_OUTBOUND_AMD_CONTEXT`). */
  amdContext: string;
  /** Stasis app the context returns to when the channel carries no `DIALSTATE_STASIS_APP`. */
  defaultApp: string;
  /** Also render the `ai-handoff` example context (default true). */
  aiHandoffExample?: boolean;
  /** The context that hands calls to AAVA (default `dialstate-aava-handoff`). */
  aavaHandoffContext?: string;
}

/** Names the shipped `dialplan/extensions_dialstate.conf` is rendered with. */
export const DEFAULT_AMD_DIALPLAN_NAMES = {
  amdContext: 'aava-outbound-amd',
  defaultApp: 'dialstate',
} as const satisfies AmdDialplanNames;

/** Name of the example hand-off context. */
export const AI_HANDOFF_EXAMPLE_CONTEXT = 'ai-handoff';

// Stricter than Asterisk needs: these names land unquoted inside dialplan expressions and
// Stasis() arguments, where `,`, `;`, `$`, `[` or spaces would change the meaning.
const SAFE_NAME = /^[A-Za-z0-9_-]+$/;

/**
 * Renders the canonical AMD context (and, unless disabled, the `ai-handoff` example) as
 * `extensions.conf` text. Everything that varies per campaign or attempt travels in channel
 * variables, so one rendering serves every campaign without edits.
 *
 * @throws RangeError when a name is not letters, digits, `-` or `_`.
 */
export function renderAmdDialplan(names: AmdDialplanNames): string {
  const amdContext = safeNameOrThrow('amdContext', names.amdContext);
  const defaultApp = safeNameOrThrow('defaultApp', names.defaultApp);
  const parts = [header(amdContext, defaultApp), amdContextText(amdContext, defaultApp)];
  parts.push(renderAavaHandoffContext(names.aavaHandoffContext ?? DEFAULT_AAVA_HANDOFF_CONTEXT));
  if (names.aiHandoffExample ?? true) parts.push(aiHandoffExampleText());
  return parts.join('\n');
}

function safeNameOrThrow(field: string, value: string): string {
  if (!SAFE_NAME.test(value)) {
    throw new RangeError(
      `${field} ${JSON.stringify(value)} must be letters, digits, "-" or "_" (it is used unquoted in the dialplan)`,
    );
  }
  return value;
}

function header(amdContext: string, defaultApp: string): string {
  return `; dialstate dialplan: answering-machine detection hop.
;
; Rendered for AMD context "${amdContext}" and default Stasis app "${defaultApp}".
; Installation: see dialplan/README.md. Render it again with other names instead of
; editing it by hand; \`dialstate doctor\` checks that Asterisk has it.
`;
}

function amdContextText(amdContext: string, defaultApp: string): string {
  return `; dialstate \`continue\`s every answered call here and waits for it to come back into
; Stasis with the verdict. This context only reports: dialstate makes every decision
; (NOTSURE policy, voicemail drop, consent, hand-off). Nothing here is per campaign:
; the AMD parameters, the app to return to and how long to wait for it arrive as
; channel variables set at originate, so the same context serves every campaign unchanged.
; There is no h extension: Asterisk does not run one for these calls, and dialstate
; learns about every hang-up from ARI.
[${amdContext}]
${renderDialplanSteps(amdHopSteps(defaultApp))}`;
}

function aiHandoffExampleText(): string {
  return `; EXAMPLE ONLY: a stand-in for an AI agent reached through the dialplan (campaign AI
; target "dialplan", context ${AI_HANDOFF_EXAMPLE_CONTEXT}, extension s, priority 1). Before the hand-off
; dialstate sets AI_CONTEXT, AI_PROVIDER and AI_AGENT, and AAVA_LEAD_VARS (the lead's
; custom variables as one JSON object). Replace this context with your agent's own, or
; delete it; dialstate never needs it.
[${AI_HANDOFF_EXAMPLE_CONTEXT}]
exten => s,1,NoOp(dialstate hand-off for attempt \${DIALSTATE_ATTEMPT_ID})
 same => n,ExecIf($["\${CHANNEL(state)}" != "Up"]?Answer())
; Shows the hand-off on ARI and AMI (ChannelUserevent / UserEvent) with what the agent
; would receive.
 same => n,UserEvent(AiHandoff,ai_context: \${AI_CONTEXT},ai_provider: \${AI_PROVIDER},ai_agent: \${AI_AGENT})
; Placeholder for the agent itself: a Dial() to its SIP endpoint, a Stasis() into its
; ARI app, or an AudioSocket() to its media server. It reads AAVA_LEAD_VARS from the
; channel.
 same => n,NoOp(placeholder: connect the AI agent here)
 same => n,Wait(5)
 same => n,Hangup(16)
`;
}
