import type { ColumnType, Generated } from 'kysely';

/**
 * Row shapes of the SQLite tables, as Kysely sees them. Times are epoch ms, booleans
 * are 0/1 and JSON columns hold text; repositories map rows to domain types and never
 * hand these shapes out.
 */

/** A column SQLite fills in when the insert leaves it out. */
type Defaulted<T> = ColumnType<T, T | undefined, T>;

export interface CampaignTable {
  id: string;
  name: string;
  status: string;
  status_reason: string | null;
  /** When the campaign was deleted; its rows are being removed in the background. */
  deleting_at: Defaulted<number | null>;
  timezone: string;
  /** `HH:MM`. */
  window_start: string;
  window_end: string;
  /** ISO weekdays, comma-joined, e.g. `1,2,3,4,5`. */
  window_days: string;
  starts_at: number | null;
  ends_at: number | null;
  /** JSON `BlackoutDate[]`. */
  blackout_dates: Defaulted<string>;
  /** JSON `FrequencyCaps`. */
  frequency_caps: Defaulted<string>;
  max_concurrent: number;
  min_interval_ms: number;
  ring_timeout_sec: number;
  caller_id: string | null;
  default_region: string;
  allow_extensions: number;
  /** JSON `AiTarget`. */
  ai_target: string;
  ai_context: string | null;
  ai_provider: string | null;
  ai_agent: string | null;
  /** Template of the originated endpoint; null = the server's default. */
  dial_string: string | null;
  /** JSON array of PBX names the campaign's calls may use; null = every one. */
  pbxs: string | null;
  consent_enabled: number;
  consent_recording_id: string | null;
  consent_timeout_sec: number;
  voicemail_enabled: number;
  voicemail_recording_id: string | null;
  voicemail_greeting_max_wait_sec: number;
  /** Cap on the rolling abandoned-call rate, percent; null = none. */
  abandon_cap_percent: Defaulted<number | null>;
  consent_opt_out_digit: Defaulted<string | null>;
  consent_opt_out_recording_id: Defaulted<string | null>;
  safe_harbour_recording_id: Defaulted<string | null>;
  /** JSON `AmdParameters & { notSureAs }`. */
  amd: string;
  /** JSON `RetryPolicy`. */
  retry: string;
  last_originate_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface LeadTable {
  id: string;
  campaign_id: string;
  phone: string;
  name: string | null;
  timezone: string | null;
  /** IANA zones of the number, space-separated; null when none is known (see phone-zones.ts). */
  phone_zones: Defaulted<string | null>;
  /** Why the lead's next attempt was put off at its claim (a frequency cap); null otherwise. */
  wait_reason: Defaulted<string | null>;
  caller_id: string | null;
  /** JSON object of strings. */
  custom_vars: Defaulted<string>;
  /** JSON `AiTarget` overriding the campaign's, or NULL. */
  ai_target: string | null;
  state: string;
  priority: Defaulted<number>;
  attempts: Defaulted<number>;
  /** Attempts made before the lead was last recycled for a redial; the retry policy counts the rest. */
  recycled_attempts: Defaulted<number>;
  /** 0 means due at once. */
  next_attempt_at: Defaulted<number>;
  last_outcome: string | null;
  last_error: string | null;
  active_attempt_id: string | null;
  last_attempt_id: string | null;
  import_id: string | null;
  import_seq: number;
  created_at: number;
  updated_at: number;
}

export interface AttemptTable {
  id: string;
  campaign_id: string;
  lead_id: string;
  attempt_number: number;
  machine_version: number;
  channel_id: string;
  /** JSON `PersistedAttemptSnapshot` without `context.input`, which is in `attempt_input`. */
  snapshot: string;
  state: string;
  done: number;
  seq: Defaulted<number>;
  outcome: string | null;
  error: string | null;
  started_at: number | null;
  answered_at: number | null;
  handed_off_at: number | null;
  ended_at: number | null;
  dial_status: string | null;
  hangup_cause: number | null;
  far_end_cause: number | null;
  amd_status: string | null;
  amd_cause: string | null;
  digits: Defaulted<string>;
  created_at: number;
  updated_at: number;
  /**
   * The node running the attempt while it is open (PostgreSQL, several nodes); null on
   * SQLite, which has one node, and for attempts no node has taken yet.
   */
  owner_node: string | null;
}

/** The input of an attempt, written once when it is created. */
export interface AttemptInputTable {
  attempt_id: string;
  /** JSON `AttemptInput`. */
  input: string;
}

export interface AttemptEventTable {
  attempt_id: string;
  seq: number;
  at: number;
  type: string;
  /** JSON of the whole event. */
  payload: string;
  /** State after the event. */
  state: string;
  /** JSON `AttemptCommand[]`. */
  commands: string;
  /** JSON `TimerCommand[]`. */
  timers: string;
}

export interface AttemptTimerTable {
  attempt_id: string;
  timer_id: string;
  due_at: number;
}

export interface RecordingTable {
  id: string;
  name: string;
  file_name: string;
  media_uri: string;
  duration_ms: number;
  size_bytes: number;
  sha256: string;
  created_at: number;
  updated_at: number;
}

/** A recording dialstate ships, installed once; the row stays if the recording is deleted. */
export interface ShippedRecordingTable {
  key: string;
  recording_id: string;
  installed_at: number;
}

export interface DncTable {
  id: Generated<number>;
  /** NULL for the global list. */
  campaign_id: string | null;
  phone: string;
  reason: string | null;
  created_at: number;
  /** `opt_out` when the callee asked during a call; null for operator entries and imports. */
  source: Defaulted<string | null>;
  source_campaign_id: Defaulted<string | null>;
  source_attempt_id: Defaulted<string | null>;
}

export interface LeadImportTable {
  id: string;
  campaign_id: string;
  file_name: string;
  mode: string;
  status: string;
  total_rows: Defaulted<number>;
  accepted: Defaulted<number>;
  updated: Defaulted<number>;
  duplicates: Defaulted<number>;
  rejected: Defaulted<number>;
  dnc_blocked: Defaulted<number>;
  error: string | null;
  /** JSON array of the file's header fields, once read. */
  header: string | null;
  bytes_read: Defaulted<number>;
  /** NULL when the file's size is unknown. */
  bytes_total: number | null;
  started_at: number;
  finished_at: number | null;
  /** The next staged row to merge once the file is read whole; NULL before and after. */
  merge_next_row: Defaulted<number | null>;
  /** The campaign's last `import_seq` when the merge began. */
  merge_seq_base: Defaulted<number>;
  merged_pending: Defaulted<number>;
  merged_dnc: Defaulted<number>;
  merged_updated_pending: Defaulted<number>;
  merged_updated_dnc: Defaulted<number>;
  merged_late_duplicates: Defaulted<number>;
}

export interface LeadImportIssueTable {
  import_id: string;
  row_number: number;
  severity: string;
  field: string | null;
  value: string | null;
  reason: string;
  raw: string | null;
}

/** Leads of a campaign by state; kept by triggers (migration 202611271000). */
export interface CampaignLeadCountTable {
  campaign_id: string;
  state: string;
  n: number;
}

/** Ended attempts of a campaign by outcome; kept by triggers. */
export interface CampaignOutcomeCountTable {
  campaign_id: string;
  outcome: string;
  n: number;
}

/** Ended attempts of a campaign by outcome per quarter hour of their end; kept by triggers. */
export interface CampaignOutcomeBucketTable {
  campaign_id: string;
  /** `ended_at` divided by 900,000 (15 minutes), rounded down. */
  bucket: number;
  outcome: string;
  n: number;
}

/** An ended attempt a person answered, with the moments the abandoned-call rules measure. */
export interface AnsweredCallTable {
  attempt_id: string;
  campaign_id: string;
  ended_at: number;
  answered_at: number | null;
  /** AMD's verdict: the end of the callee's greeting. */
  greeting_ended_at: number;
  /** Consent prompt start or connection, whichever came first; null when neither. */
  first_audio_at: number | null;
  /** The call reached the AI target (confirmed); null when it did not. */
  connected_at: number | null;
  callee_left_at: number | null;
  our_side_failed: number;
}

/** A dialstate node sharing the database, and its lease (PostgreSQL; empty on SQLite). */
export interface DialstateNodeTable {
  node_id: string;
  started_at: number;
  /** Epoch ms of the node's latest heartbeat. */
  heartbeat_at: number;
  /** How long after its heartbeat the node counts as alive (ms). */
  lease_ms: number;
}

/** Every table of the dialstate database. */
export interface Database {
  campaign: CampaignTable;
  lead: LeadTable;
  attempt: AttemptTable;
  attempt_input: AttemptInputTable;
  attempt_event: AttemptEventTable;
  attempt_timer: AttemptTimerTable;
  recording: RecordingTable;
  shipped_recording: ShippedRecordingTable;
  dnc: DncTable;
  lead_import: LeadImportTable;
  lead_import_issue: LeadImportIssueTable;
  campaign_lead_count: CampaignLeadCountTable;
  campaign_outcome_count: CampaignOutcomeCountTable;
  campaign_outcome_bucket: CampaignOutcomeBucketTable;
  answered_call: AnsweredCallTable;
  dialstate_node: DialstateNodeTable;
}
