import { type Kysely, sql } from 'kysely';

// Frozen history, like every migration: `Kysely<any>` on purpose, so a later change to
// schema.ts can never change what an old migration does.

/**
 * The whole schema of the SQLite migrations up to 202612061500_attempt_write_trim, in
 * PostgreSQL: the same tables, columns, defaults, checks, keys and indexes, and the
 * campaign counters kept by triggers. Later schema changes come as a migration here and
 * one in src/store/migrations each (test/store/postgres/schema-parity.test.ts compares
 * the two). How the types map:
 *
 * - Text is `collate "C"`: it compares and sorts byte by byte like SQLite's BINARY, so
 *   range scans made of a prefix (phone search) find the same rows whatever locale the
 *   database was created with. `lead.name` is `citext collate "C"`: case-insensitive in
 *   ASCII only, and sorted by its ASCII lower case, like SQLite's NOCASE.
 * - Epoch ms, durations in ms and byte counts are `bigint` (read back as JS numbers,
 *   see open-postgres.ts); counts, seconds and causes stay `integer`; 0/1 flags stay
 *   `integer` too, so shared SQL such as `done = 0` means the same on both.
 * - Tables whose SQLite rowid the shared queries read (`lead`, `attempt`, `lead_import`,
 *   `lead_import_issue`: keyset pages, slice deletes, issue order) get a real `rowid`
 *   column, an identity in insertion order, and the indexes that SQLite ends with the
 *   rowid end with it here too, so `order by x, rowid` is still read from the index.
 * - `dnc.id` (SQLite's INTEGER PRIMARY KEY AUTOINCREMENT) is a bigint identity.
 * - `ifnull(a, b)` exists as a SQL function that PostgreSQL inlines into `coalesce(a, b)`:
 *   SQLite only uses the `dnc_scope_phone` expression index for a query spelling it
 *   `ifnull`, and the same text then uses the index here.
 */
// biome-ignore lint/suspicious/noExplicitAny: see above.
export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of [...PRELUDE, ...TABLES, ...INDEXES, ...COUNTERS]) {
    await sql.raw(statement).execute(db);
  }
}

/** Drops everything `up` created (the citext extension stays: others may use it). */
// biome-ignore lint/suspicious/noExplicitAny: see above.
export async function down(db: Kysely<any>): Promise<void> {
  // One statement: PostgreSQL sorts out the order of the foreign keys and triggers.
  await sql
    .raw(
      `drop table campaign_outcome_bucket, campaign_outcome_count, campaign_lead_count,
         answered_call, dnc, attempt_timer, attempt_event, attempt_input, attempt, lead,
         lead_import_issue, lead_import, campaign, shipped_recording, recording`,
    )
    .execute(db);
  await sql
    .raw(`drop function ${[...COUNTER_FUNCTIONS, 'ifnull(anyelement, anyelement)'].join(', ')}`)
    .execute(db);
}

/** Text compared byte by byte, like SQLite's default BINARY collation. */
const TEXT = 'text collate "C"';

const PRELUDE = [
  // A trusted extension: the database's owner (or any role with CREATE on it) may add it.
  'create extension if not exists citext',
  `create function ifnull(anyelement, anyelement) returns anyelement
     language sql immutable parallel safe as 'select coalesce($1, $2)'`,
];

const TABLES = [
  `create table recording (
     id ${TEXT} primary key,
     name ${TEXT} not null,
     file_name ${TEXT} not null,
     media_uri ${TEXT} not null,
     duration_ms bigint not null,
     size_bytes bigint not null,
     sha256 ${TEXT} not null,
     created_at bigint not null,
     updated_at bigint not null)`,

  `create table shipped_recording (
     key ${TEXT} primary key,
     recording_id ${TEXT} not null,
     installed_at bigint not null)`,

  `create table campaign (
     id ${TEXT} primary key,
     name ${TEXT} not null,
     status ${TEXT} not null,
     status_reason ${TEXT},
     timezone ${TEXT} not null,
     window_start ${TEXT} not null,
     window_end ${TEXT} not null,
     window_days ${TEXT} not null,
     starts_at bigint,
     ends_at bigint,
     max_concurrent integer not null,
     min_interval_ms bigint not null,
     ring_timeout_sec integer not null,
     caller_id ${TEXT},
     default_region ${TEXT} not null,
     allow_extensions integer not null,
     ai_target ${TEXT} not null,
     ai_context ${TEXT},
     ai_provider ${TEXT},
     ai_agent ${TEXT},
     consent_enabled integer not null,
     consent_recording_id ${TEXT} references recording (id),
     consent_timeout_sec integer not null,
     voicemail_enabled integer not null,
     voicemail_recording_id ${TEXT} references recording (id),
     voicemail_greeting_max_wait_sec integer not null,
     amd ${TEXT} not null,
     retry ${TEXT} not null,
     last_originate_at bigint,
     created_at bigint not null,
     updated_at bigint not null,
     dial_string ${TEXT},
     blackout_dates ${TEXT} not null default '[]',
     frequency_caps ${TEXT} not null default '{"per24h":null,"per7d":null,"per30d":null}',
     abandon_cap_percent double precision,
     consent_opt_out_digit ${TEXT},
     consent_opt_out_recording_id ${TEXT},
     safe_harbour_recording_id ${TEXT},
     deleting_at bigint,
     constraint campaign_status_check
       check (status in ('draft', 'running', 'paused', 'stopped', 'completed', 'archived')))`,

  `create table lead_import (
     rowid bigint generated by default as identity constraint lead_import_rowid unique,
     id ${TEXT} primary key,
     campaign_id ${TEXT} not null references campaign (id) on delete cascade,
     file_name ${TEXT} not null,
     mode ${TEXT} not null,
     status ${TEXT} not null,
     total_rows integer not null default 0,
     accepted integer not null default 0,
     updated integer not null default 0,
     duplicates integer not null default 0,
     rejected integer not null default 0,
     dnc_blocked integer not null default 0,
     error ${TEXT},
     started_at bigint not null,
     finished_at bigint,
     header ${TEXT},
     bytes_read bigint not null default 0,
     bytes_total bigint,
     merge_next_row integer,
     merge_seq_base integer not null default 0,
     merged_pending integer not null default 0,
     merged_dnc integer not null default 0,
     merged_updated_pending integer not null default 0,
     merged_updated_dnc integer not null default 0,
     merged_late_duplicates integer not null default 0,
     constraint lead_import_mode_check check (mode in ('skip_existing', 'update_existing')),
     constraint lead_import_status_check check (status in ('running', 'completed', 'failed')))`,

  `create table lead_import_issue (
     rowid bigint generated by default as identity constraint lead_import_issue_rowid unique,
     import_id ${TEXT} not null references lead_import (id) on delete cascade,
     row_number integer not null,
     severity ${TEXT} not null,
     field ${TEXT},
     value ${TEXT},
     reason ${TEXT} not null,
     raw ${TEXT},
     constraint lead_import_issue_severity_check check (severity in ('error', 'warning')))`,

  // No foreign keys to attempt: lead and attempt point at each other, and the attempt
  // journal keeps both sides consistent in one transaction.
  `create table lead (
     rowid bigint generated by default as identity constraint lead_rowid unique,
     id ${TEXT} primary key,
     campaign_id ${TEXT} not null references campaign (id) on delete cascade,
     phone ${TEXT} not null,
     name citext collate "C",
     timezone ${TEXT},
     caller_id ${TEXT},
     custom_vars ${TEXT} not null default '{}',
     ai_target ${TEXT},
     state ${TEXT} not null,
     priority integer not null default 0,
     attempts integer not null default 0,
     next_attempt_at bigint not null default 0,
     last_outcome ${TEXT},
     last_error ${TEXT},
     active_attempt_id ${TEXT},
     last_attempt_id ${TEXT},
     import_id ${TEXT} references lead_import (id) on delete set null,
     import_seq integer not null,
     created_at bigint not null,
     updated_at bigint not null,
     recycled_attempts integer not null default 0,
     phone_zones ${TEXT},
     wait_reason ${TEXT},
     constraint lead_campaign_phone_unique unique (campaign_id, phone),
     constraint lead_state_check
       check (state in ('pending', 'dialing', 'completed', 'failed', 'canceled', 'dnc')))`,

  // Rewritten on every call event (seq, state, snapshot), none of them indexed: room
  // left in each page lets PostgreSQL update the row in place (a HOT update) instead of
  // writing a new version into every index.
  `create table attempt (
     rowid bigint generated by default as identity constraint attempt_rowid unique,
     id ${TEXT} primary key,
     campaign_id ${TEXT} not null references campaign (id) on delete cascade,
     lead_id ${TEXT} not null references lead (id) on delete cascade,
     attempt_number integer not null,
     machine_version integer not null,
     channel_id ${TEXT} not null,
     snapshot ${TEXT} not null,
     state ${TEXT} not null,
     done integer not null,
     seq integer not null default 0,
     outcome ${TEXT},
     error ${TEXT},
     started_at bigint,
     answered_at bigint,
     handed_off_at bigint,
     ended_at bigint,
     dial_status ${TEXT},
     hangup_cause integer,
     far_end_cause integer,
     amd_status ${TEXT},
     amd_cause ${TEXT},
     digits ${TEXT} not null default '',
     created_at bigint not null,
     updated_at bigint not null)
   with (fillfactor = 80)`,

  `create table attempt_input (
     attempt_id ${TEXT} primary key references attempt (id) on delete cascade,
     input ${TEXT} not null)`,

  `create table attempt_event (
     attempt_id ${TEXT} not null references attempt (id) on delete cascade,
     seq integer not null,
     at bigint not null,
     type ${TEXT} not null,
     payload ${TEXT} not null,
     state ${TEXT} not null,
     commands ${TEXT} not null,
     timers ${TEXT} not null)`,

  `create table attempt_timer (
     attempt_id ${TEXT} not null references attempt (id) on delete cascade,
     timer_id ${TEXT} not null,
     due_at bigint not null,
     constraint attempt_timer_pk primary key (attempt_id, timer_id))`,

  `create table dnc (
     id bigint generated by default as identity primary key,
     campaign_id ${TEXT} references campaign (id) on delete cascade,
     phone ${TEXT} not null,
     reason ${TEXT},
     created_at bigint not null,
     source ${TEXT},
     source_campaign_id ${TEXT},
     source_attempt_id ${TEXT})`,

  `create table answered_call (
     attempt_id ${TEXT} primary key,
     campaign_id ${TEXT} not null,
     ended_at bigint not null,
     answered_at bigint,
     greeting_ended_at bigint not null,
     first_audio_at bigint,
     connected_at bigint,
     callee_left_at bigint,
     our_side_failed integer not null)`,

  // The counters: no foreign keys, as in SQLite (see the triggers below).
  `create table campaign_lead_count (
     campaign_id ${TEXT} not null,
     state ${TEXT} not null,
     n integer not null,
     primary key (campaign_id, state))`,
  `create table campaign_outcome_count (
     campaign_id ${TEXT} not null,
     outcome ${TEXT} not null,
     n integer not null,
     primary key (campaign_id, outcome))`,
  `create table campaign_outcome_bucket (
     campaign_id ${TEXT} not null,
     bucket bigint not null,
     outcome ${TEXT} not null,
     n integer not null,
     primary key (campaign_id, bucket, outcome))`,
];

// The names and columns of SQLite's indexes; `rowid` is added last where SQLite's index
// ends with it implicitly and a query orders or pages by it.
const INDEXES = [
  'create index lead_import_campaign on lead_import (campaign_id, started_at)',
  'create index lead_import_issue_import on lead_import_issue (import_id, row_number, rowid)',
  `create index lead_claim on lead (campaign_id, next_attempt_at, priority desc, import_seq)
     where state = 'pending'`,
  'create index lead_campaign_state on lead (campaign_id, state, import_seq, rowid)',
  'create index lead_campaign_import_seq on lead (campaign_id, import_seq, rowid)',
  'create index lead_campaign_name on lead (campaign_id, name, rowid)',
  'create index lead_import_id on lead (import_id) where import_id is not null',
  `create index lead_campaign_state_outcome
     on lead (campaign_id, state, last_outcome, import_seq, rowid)`,
  'create index lead_phone on lead (phone)',
  'create index attempt_lead on attempt (lead_id, created_at, rowid)',
  'create index attempt_campaign on attempt (campaign_id, created_at, rowid)',
  // Restart reconciliation reads every open attempt; there are few at any time.
  'create index attempt_open on attempt (created_at) where done = 0',
  'create unique index attempt_event_seq on attempt_event (attempt_id, seq)',
  // One entry per scope and phone; NULL (global) is folded to '' because NULLs never
  // collide in a unique index.
  `create unique index dnc_scope_phone on dnc (coalesce(campaign_id, ''), phone)`,
  'create index dnc_source_attempt on dnc (source_attempt_id) where source_attempt_id is not null',
  'create index answered_call_campaign_end on answered_call (campaign_id, ended_at)',
];

/**
 * Width of the buckets of ended attempts (ms), as in the SQLite migration
 * 202611271000_campaign_counters: every local midnight starts one.
 */
const OUTCOME_BUCKET_MS = 15 * 60_000;

/** The trigger functions, as `drop function` names them. */
const COUNTER_FUNCTIONS = [
  'lead_count_insert()',
  'lead_count_delete()',
  'lead_count_update()',
  'outcome_count_insert()',
  'outcome_count_delete()',
  'outcome_count_update()',
  'campaign_counts_delete()',
];

type Row = 'new' | 'old';

const leadPlus = (row: Row) =>
  `insert into campaign_lead_count (campaign_id, state, n)
     values (${row}.campaign_id, ${row}.state, 1)
     on conflict (campaign_id, state) do update set n = campaign_lead_count.n + 1;`;
const leadMinus = (row: Row) =>
  `update campaign_lead_count set n = n - 1
     where campaign_id = ${row}.campaign_id and state = ${row}.state;`;

// An ended attempt always has an outcome; 'unknown' keeps the sums whole if one did not.
const outcomeOf = (row: string) => `coalesce(${row}.outcome, 'unknown')`;
// bigint division truncates like SQLite's `cast(x / width as integer)`.
const bucketOf = (row: string) => `coalesce(${row}.ended_at, 0) / ${OUTCOME_BUCKET_MS}`;

/** Counts `row` as ended, when `row.done = 1`. */
const attemptPlus = (row: Row) =>
  `if ${row}.done = 1 then
     insert into campaign_outcome_count as c (campaign_id, outcome, n)
       values (${row}.campaign_id, ${outcomeOf(row)}, 1)
       on conflict (campaign_id, outcome) do update set n = c.n + 1;
     insert into campaign_outcome_bucket as c (campaign_id, bucket, outcome, n)
       values (${row}.campaign_id, ${bucketOf(row)}, ${outcomeOf(row)}, 1)
       on conflict (campaign_id, bucket, outcome) do update set n = c.n + 1;
   end if;`;
/** Takes `row` out of the ended counts, when `row.done = 1`. */
const attemptMinus = (row: Row) =>
  `if ${row}.done = 1 then
     update campaign_outcome_count set n = n - 1
       where (campaign_id, outcome) = (${row}.campaign_id, ${outcomeOf(row)});
     update campaign_outcome_bucket set n = n - 1
       where (campaign_id, bucket, outcome) = (${row}.campaign_id, ${bucketOf(row)}, ${outcomeOf(row)});
   end if;`;
/** Takes the ended attempts of the transition table `old_rows` out of the counts. */
const attemptsMinus = `update campaign_outcome_count c set n = c.n - d.n
     from (select campaign_id, ${outcomeOf('o')} as outcome, count(*) as n
           from old_rows o where o.done = 1 group by 1, 2) d
     where c.campaign_id = d.campaign_id and c.outcome = d.outcome;
   update campaign_outcome_bucket c set n = c.n - d.n
     from (select campaign_id, ${bucketOf('o')} as bucket, ${outcomeOf('o')} as outcome,
             count(*) as n
           from old_rows o where o.done = 1 group by 1, 2, 3) d
     where c.campaign_id = d.campaign_id and c.bucket = d.bucket and c.outcome = d.outcome;`;

const triggerFunction = (name: string, body: string) =>
  `create function ${name}() returns trigger language plpgsql as $$
   begin
     ${body}
     return null;
   end $$`;

/**
 * The counters of 202611271000_campaign_counters, kept by triggers in the transaction of
 * every change they count, with SQLite's semantics (decrements are plain updates, so a
 * counter row already gone stays gone). Inserts and deletes of leads and attempts come
 * by the thousand (imports, background deletes): those count once per statement, from
 * its transition table, grouped and in key order. Updates that change a counted column
 * are single rows, filtered by the trigger's WHEN before any function runs.
 */
const COUNTERS = [
  triggerFunction(
    'lead_count_insert',
    `insert into campaign_lead_count (campaign_id, state, n)
       select campaign_id, state, count(*) from new_rows group by 1, 2 order by 1, 2
       on conflict (campaign_id, state) do update set n = campaign_lead_count.n + excluded.n;`,
  ),
  `create trigger lead_count_insert after insert on lead
     referencing new table as new_rows for each statement execute function lead_count_insert()`,
  triggerFunction(
    'lead_count_delete',
    `update campaign_lead_count c set n = c.n - d.n
       from (select campaign_id, state, count(*) as n from old_rows group by 1, 2) d
       where c.campaign_id = d.campaign_id and c.state = d.state;`,
  ),
  `create trigger lead_count_delete after delete on lead
     referencing old table as old_rows for each statement execute function lead_count_delete()`,
  triggerFunction('lead_count_update', `${leadMinus('old')} ${leadPlus('new')}`),
  `create trigger lead_count_update after update of state, campaign_id on lead for each row
     when (old.state is distinct from new.state or old.campaign_id is distinct from new.campaign_id)
     execute function lead_count_update()`,

  triggerFunction('outcome_count_insert', attemptPlus('new')),
  `create trigger outcome_count_insert after insert on attempt for each row
     when (new.done = 1) execute function outcome_count_insert()`,
  triggerFunction('outcome_count_delete', attemptsMinus),
  `create trigger outcome_count_delete after delete on attempt
     referencing old table as old_rows for each statement execute function outcome_count_delete()`,
  // An attempt ends once (done 0 → 1); the general form also keeps the counts right if
  // an ended attempt's outcome or end time were ever rewritten.
  triggerFunction('outcome_count_update', `${attemptMinus('old')} ${attemptPlus('new')}`),
  `create trigger outcome_count_update
     after update of done, outcome, ended_at, campaign_id on attempt for each row
     when (old.done = 1 or new.done = 1) execute function outcome_count_update()`,

  triggerFunction(
    'campaign_counts_delete',
    `delete from campaign_lead_count where campaign_id = old.id;
     delete from campaign_outcome_count where campaign_id = old.id;
     delete from campaign_outcome_bucket where campaign_id = old.id;`,
  ),
  `create trigger campaign_counts_delete after delete on campaign for each row
     execute function campaign_counts_delete()`,
];
