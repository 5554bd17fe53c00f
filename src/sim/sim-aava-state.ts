/*
 * What the stand-in AAVA keeps (its app, whether it is up, the calls it took), apart from
 * what it does (sim-aava.ts): the simulator's shared world holds this state, and the
 * behaviour needs the world.
 */

/** The variables AAVA's engine reads from an outbound call, as the stand-in saw them. */
export const AAVA_VARIABLES = [
  'AI_AGENT',
  'AI_PROVIDER',
  'AI_AUDIO_PROFILE',
  'AAVA_OUTBOUND',
  'AAVA_OUTBOUND_PHONE',
  'AAVA_CAMPAIGN_ID',
  'AAVA_LEAD_ID',
  'AAVA_CUSTOM_VARS_JSON',
  // Read by AAVA too, and never to be set by a dialer that is not AAVA's own.
  'AAVA_ATTEMPT_ID',
  'AAVA_CALL_OWNER',
] as const;

/** What the stand-in AAVA did with one call that entered its app. */
export interface AavaSessionRecord {
  channelId: string;
  channelName: string;
  /** `session`: a caller session ran; `helper-leg`/`control`: hung up at the door. */
  kind: 'session' | 'helper-leg' | 'control';
  args: string[];
  /** Each of {@link AAVA_VARIABLES}, or null when unset. */
  variables: Record<(typeof AAVA_VARIABLES)[number], string | null>;
  callerName: string;
  callerNumber: string;
  /** Where the stand-in transferred the call, if it did. */
  transferredTo: string | null;
}

/** The stand-in's state: whether its app is "connected", and the calls it saw. */
export interface SimAava {
  readonly app: string;
  connected: boolean;
  readonly sessions: AavaSessionRecord[];
}
