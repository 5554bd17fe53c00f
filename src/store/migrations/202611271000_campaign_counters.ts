import { type Kysely, sql } from 'kysely';

// Frozen history, like every migration: `Kysely<any>` on purpose (see the initial one).

/**
 * Width of the buckets of ended attempts (ms): every time zone's offset is a multiple of
 * a quarter hour, so every local midnight starts one. `src/store/campaign-stats.ts` reads
 * them with the same width.
 */
const OUTCOME_BUCKET_MS = 15 * 60_000;

/**
 * Counters of each campaign kept by triggers, in the transaction of every change they
 * count: leads by state, ended attempts by outcome, and ended attempts by outcome per
 * quarter hour of their end. The live feed and the campaigns list read them after every
 * call; counted with GROUP BY over the lead and attempt tables they cost 0.4 s at 100,000
 * leads and seconds at a million, on the event loop the calls share. Read through the
 * counters they cost the same whatever the campaign's size.
 *
 * No foreign keys: deleting a campaign deletes its leads and attempts first (cascade),
 * whose triggers then find counter rows to decrement; a trigger on the campaign removes
 * what is left. Decrements are plain updates, so a row already gone stays gone.
 */
// biome-ignore lint/suspicious/noExplicitAny: see above.
export async function up(db: Kysely<any>): Promise<void> {
  // One transaction: tables, triggers and the counts of what is already there, so that
  // no change from another process falls between the backfill and the first trigger.
  await db.transaction().execute(async (trx) => {
    for (const statement of [...TABLES, ...TRIGGERS, ...BACKFILL]) {
      await sql.raw(statement).execute(trx);
    }
  });
}

type Row = 'new' | 'old';

const TABLES = [
  `create table campaign_lead_count (
     campaign_id text not null, state text not null, n integer not null,
     primary key (campaign_id, state)) without rowid`,
  `create table campaign_outcome_count (
     campaign_id text not null, outcome text not null, n integer not null,
     primary key (campaign_id, outcome)) without rowid`,
  `create table campaign_outcome_bucket (
     campaign_id text not null, bucket integer not null, outcome text not null, n integer not null,
     primary key (campaign_id, bucket, outcome)) without rowid`,
];

const leadPlus = (row: Row) =>
  `insert into campaign_lead_count (campaign_id, state, n)
     values (${row}.campaign_id, ${row}.state, 1)
     on conflict (campaign_id, state) do update set n = n + 1;`;
const leadMinus = (row: Row) =>
  `update campaign_lead_count set n = n - 1
     where campaign_id = ${row}.campaign_id and state = ${row}.state;`;

// An ended attempt always has an outcome; 'unknown' keeps the sums whole if one did not.
const outcomeOf = (row: Row) => `ifnull(${row}.outcome, 'unknown')`;
const bucketOf = (row: Row) => `cast(ifnull(${row}.ended_at, 0) / ${OUTCOME_BUCKET_MS} as integer)`;
/** Counts `row` as ended, when `row.done = 1`. */
const attemptPlus = (row: Row) =>
  `insert into campaign_outcome_count (campaign_id, outcome, n)
     select ${row}.campaign_id, ${outcomeOf(row)}, 1 where ${row}.done = 1
     on conflict (campaign_id, outcome) do update set n = n + 1;
   insert into campaign_outcome_bucket (campaign_id, bucket, outcome, n)
     select ${row}.campaign_id, ${bucketOf(row)}, ${outcomeOf(row)}, 1 where ${row}.done = 1
     on conflict (campaign_id, bucket, outcome) do update set n = n + 1;`;
/** Takes `row` out of the ended counts, when `row.done = 1`. */
const attemptMinus = (row: Row) =>
  `update campaign_outcome_count set n = n - 1
     where ${row}.done = 1 and campaign_id = ${row}.campaign_id and outcome = ${outcomeOf(row)};
   update campaign_outcome_bucket set n = n - 1
     where ${row}.done = 1 and campaign_id = ${row}.campaign_id
       and bucket = ${bucketOf(row)} and outcome = ${outcomeOf(row)};`;

const TRIGGERS = [
  `create trigger lead_count_insert after insert on lead begin ${leadPlus('new')} end`,
  `create trigger lead_count_delete after delete on lead begin ${leadMinus('old')} end`,
  `create trigger lead_count_update after update of state, campaign_id on lead
     when old.state is not new.state or old.campaign_id is not new.campaign_id
     begin ${leadMinus('old')} ${leadPlus('new')} end`,
  `create trigger outcome_count_insert after insert on attempt when new.done = 1
     begin ${attemptPlus('new')} end`,
  `create trigger outcome_count_delete after delete on attempt when old.done = 1
     begin ${attemptMinus('old')} end`,
  // An attempt ends once (done 0 → 1); the general form also keeps the counts right if
  // an ended attempt's outcome or end time were ever rewritten.
  `create trigger outcome_count_update
     after update of done, outcome, ended_at, campaign_id on attempt
     when old.done = 1 or new.done = 1
     begin ${attemptMinus('old')} ${attemptPlus('new')} end`,
  `create trigger campaign_counts_delete after delete on campaign begin
     delete from campaign_lead_count where campaign_id = old.id;
     delete from campaign_outcome_count where campaign_id = old.id;
     delete from campaign_outcome_bucket where campaign_id = old.id;
   end`,
];

const BACKFILL = [
  `insert into campaign_lead_count (campaign_id, state, n)
     select campaign_id, state, count(*) from lead group by campaign_id, state`,
  `insert into campaign_outcome_count (campaign_id, outcome, n)
     select campaign_id, ifnull(outcome, 'unknown'), count(*) from attempt where done = 1
     group by 1, 2`,
  `insert into campaign_outcome_bucket (campaign_id, bucket, outcome, n)
     select campaign_id, cast(ifnull(ended_at, 0) / ${OUTCOME_BUCKET_MS} as integer),
       ifnull(outcome, 'unknown'),
       count(*) from attempt where done = 1
     group by 1, 2, 3`,
];

/** Drops the counters and their triggers. */
// biome-ignore lint/suspicious/noExplicitAny: see above.
export async function down(db: Kysely<any>): Promise<void> {
  for (const trigger of [
    'lead_count_insert',
    'lead_count_delete',
    'lead_count_update',
    'outcome_count_insert',
    'outcome_count_delete',
    'outcome_count_update',
    'campaign_counts_delete',
  ]) {
    await sql.raw(`drop trigger if exists ${trigger}`).execute(db);
  }
  for (const table of [
    'campaign_lead_count',
    'campaign_outcome_count',
    'campaign_outcome_bucket',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
