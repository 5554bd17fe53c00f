import { DEFAULT_AAVA_HANDOFF_CONTEXT, renderAavaHandoffContext } from './handoff-dialplan.js';

/** Names the dialplan is rendered with. */
export interface AmdDialplanNames {
  /** Context the answered call is `continue`d into (`AAVA_OUTBOUND_AMD_CONTEXT`). */
  amdContext: string;
  /** Stasis app the context returns to when the channel carries no `AAVA_STASIS_APP`. */
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
; the AMD parameters and the app to return to arrive as channel variables set at
; originate, so the same context serves every campaign unchanged.
[${amdContext}]
; Logged so the hop can be matched with dialstate's attempt in the Asterisk log.
exten => s,1,NoOp(dialstate AMD hop for attempt \${AAVA_ATTEMPT_ID})
; The app to return to. AAVA_STASIS_APP is set on every originate; the fallback only
; matters for calls placed by other means. A second dialstate with another app name
; must get its own calls back, hence no hard-coded app below.
 same => n,Set(AMD_APP=\${IF(\${ISNULL(\${AAVA_STASIS_APP})}?${defaultApp}:\${AAVA_STASIS_APP})})
; AMD() listens to an answered channel. dialstate's calls are already Up; the check
; keeps a call that arrives here unanswered (e.g. a test originate) working.
 same => n,ExecIf($["\${CHANNEL(state)}" != "Up"]?Answer())
; The campaign's nine AMD() parameters, comma-joined. Unset means AMD() with no
; arguments, which uses the defaults of amd.conf.
 same => n,AMD(\${AAVA_AMD_OPTS})
; dialstate's own copies: an agent's dialplan or a later AMD() may overwrite AMDSTATUS,
; these stay readable over ARI (GET /channels/{id}/variable) and in the h extension.
 same => n,Set(AAVA_AMDSTATUS=\${AMDSTATUS})
 same => n,Set(AAVA_AMDCAUSE=\${AMDCAUSE})
 same => n,Verbose(2,dialstate AMD \${AAVA_ATTEMPT_ID}: \${AMDSTATUS} \${AMDCAUSE})
; Back to dialstate with the verdict as Stasis arguments: amd, attempt id, status
; (HUMAN, MACHINE, NOTSURE, HANGUP) and cause (e.g. MAXWORDS-3-2).
 same => n,Stasis(\${AMD_APP},amd,\${AAVA_ATTEMPT_ID},\${AMDSTATUS},\${AMDCAUSE})
; Stasis() hangs the call up itself when the app is not connected. This covers a call
; that dialstate releases without a destination: it must not linger in this context.
 same => n,Hangup()

; A continue that names an extension (a number) still runs the hop.
exten => _X.,1,Goto(s,1)

; Only logs: dialstate learns about the hang-up from ARI and decides the outcome.
exten => h,1,Verbose(2,dialstate AMD hop ended for attempt \${AAVA_ATTEMPT_ID}: \${AAVA_AMDSTATUS})
`;
}

function aiHandoffExampleText(): string {
  return `; EXAMPLE ONLY: a stand-in for an AI agent reached through the dialplan (campaign AI
; target "dialplan", context ${AI_HANDOFF_EXAMPLE_CONTEXT}, extension s, priority 1). Before the hand-off
; dialstate sets AI_CONTEXT, AI_PROVIDER and AI_AGENT, and AAVA_LEAD_VARS (the lead's
; custom variables as one JSON object). Replace this context with your agent's own, or
; delete it; dialstate never needs it.
[${AI_HANDOFF_EXAMPLE_CONTEXT}]
exten => s,1,NoOp(dialstate hand-off for attempt \${AAVA_ATTEMPT_ID})
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
