/** Default name of the context that hands calls to the Asterisk AI Voice Agent (AAVA). */
export const DEFAULT_AAVA_HANDOFF_CONTEXT = 'dialstate-aava-handoff';

/**
 * Version of the hand-off context's text; the context sets it on the channel
 * (`DIALSTATE_HANDOFF_VERSION`) so that the setup checks can tell an outdated one.
 */
export const AAVA_HANDOFF_VERSION = 1;

// Used unquoted in the dialplan, where `,`, `;`, `$` or spaces would change the meaning.
const SAFE_NAME = /^[A-Za-z0-9_-]+$/;

/**
 * Renders the context an `aava` AI target is continued into, as `extensions.conf`
 * text. It runs `Stasis()` with the AAVA app's name and no arguments: AAVA's engine
 * starts a caller session only for such a call (any argument sends the channel to its
 * internal handlers), and `STASISSTATUS` tells whether AAVA was there to take it.
 * dialstate sets every variable AAVA reads before the `continue`, and learns from the
 * channel's dialplan events (and STASISSTATUS) whether the hand-off happened.
 *
 * @throws RangeError when the context name is not letters, digits, `-` or `_`.
 */
export function renderAavaHandoffContext(context: string): string {
  if (!SAFE_NAME.test(context)) {
    throw new RangeError(
      `the AAVA hand-off context ${JSON.stringify(context)} must be letters, digits, "-" or "_" (it is used unquoted in the dialplan)`,
    );
  }
  return `; dialstate hands consenting callers to the Asterisk AI Voice Agent (AAVA) here (AI
; target "aava"). Before the continue dialstate sets what AAVA reads: AI_AGENT,
; AI_PROVIDER, AI_AUDIO_PROFILE, AAVA_OUTBOUND=1, AAVA_OUTBOUND_PHONE, AAVA_CAMPAIGN_ID,
; AAVA_LEAD_ID, AAVA_CUSTOM_VARS_JSON, CALLERID(name) and CALLERID(num), and
; DIALSTATE_AAVA_APP, the app AAVA's YAML names (asterisk-ai-voice-agent by default).
; AAVA only starts a session for a trunk channel (PJSIP/, SIP/, IAX2/, DAHDI/, Dongle/):
; give such campaigns a direct-trunk dial string.
[${context}]
exten => s,1,NoOp(dialstate hand-off to AAVA for attempt \${DIALSTATE_ATTEMPT_ID})
 same => n,Set(DIALSTATE_HANDOFF_VERSION=${AAVA_HANDOFF_VERSION})
; No arguments: AAVA sends a call with arguments to its internal handlers.
 same => n,Stasis(\${DIALSTATE_AAVA_APP})
; Back here when AAVA let the call go (SUCCESS) or was not connected (FAILED). dialstate
; sees FAILED on the channel and records the attempt as handoff_failed.
 same => n,GotoIf($["\${STASISSTATUS}" != "FAILED"]?done)
 same => n,Log(WARNING,dialstate: AAVA app \${DIALSTATE_AAVA_APP} is not connected; releasing attempt \${DIALSTATE_ATTEMPT_ID})
; Optional: a short "sorry, we will call you back" recording, named by
; DIALSTATE_HANDOFF_SORRY (e.g. set it in this context to a recording of yours).
 same => n,ExecIf($["\${DIALSTATE_HANDOFF_SORRY}" != ""]?Playback(\${DIALSTATE_HANDOFF_SORRY}))
 same => n(done),Hangup()
`;
}
