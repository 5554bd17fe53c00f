/**
 * A campaign of `leads` leads with two attempts per lead on average, written with raw
 * prepared INSERTs in large transactions. The mix is shaped like a campaign half way through: a fifth of the
 * leads never dialed, the rest with one to four attempts whose outcomes follow a
 * plausible spread, some due for a retry, a few live, on do-not-call or canceled.
 */
import SQLite from 'better-sqlite3';
import type { Campaign } from '../src/campaign/campaign.js';
import { createCampaignRepository } from '../src/store/campaigns.js';
import { migrateToLatest } from '../src/store/migrate.js';
import { openDatabase } from '../src/store/sqlite/db.js';

export const AREAS = ['212', '312', '415', '617', '713', '808', '917', '206'] as const;
const FIRST = [
  'Ada',
  'Alan',
  'Grace',
  'Katherine',
  'Edsger',
  'Barbara',
  'Donald',
  'Frances',
  'John',
  'Margaret',
  'Dennis',
  'Radia',
  'Ken',
  'Hedy',
  'Tim',
  'Sophie',
  'Linus',
  'Joan',
  'Claude',
  'Anita',
  'Niklaus',
  'Adele',
  'Bjarne',
  'Mary',
  'Guido',
];
const LAST = [
  'Lovelace',
  'Turing',
  'Hopper',
  'Johnson',
  'Dijkstra',
  'Liskov',
  'Knuth',
  'Allen',
  'Backus',
  'Hamilton',
  'Ritchie',
  'Perlman',
  'Thompson',
  'Lamarr',
  'Berners-Lee',
  'Wilson',
  'Torvalds',
  'Clarke',
  'Shannon',
  'Borg',
  'Wirth',
  'Goldberg',
  'Stroustrup',
  'Keller',
  'van Rossum',
  'Smith',
  'Garcia',
  'Nguyen',
  'Okafor',
  'Kowalski',
];
/** Outcomes of ended attempts, repeated by weight (out of 40). */
const OUTCOMES = [
  ...Array(10).fill('answered_human'),
  ...Array(6).fill('voicemail_dropped'),
  ...Array(4).fill('machine_detected'),
  ...Array(4).fill('busy'),
  ...Array(10).fill('no_answer'),
  ...Array(2).fill('congestion'),
  'invalid_number',
  'failed',
  'consent_denied',
  'consent_timeout',
] as string[];
const RETRIED = new Set(['busy', 'no_answer', 'congestion']);
const FAILED = new Set(['invalid_number', 'failed']);
const HOUR = 3_600_000;

const pad = (n: number, width: number) => String(n).padStart(width, '0');
export const leadIdOf = (i: number) => `lead-${pad(i, 7)}`;
export const phoneOf = (i: number) =>
  `+1${AREAS[i % AREAS.length]}${pad(2_000_000 + Math.floor(i / AREAS.length), 7)}`;
export const nameOf = (i: number) =>
  i % 20 === 19
    ? null
    : `${FIRST[i % FIRST.length]} ${LAST[Math.floor(i / FIRST.length) % LAST.length]}`;

/** A snapshot column of about the size the journal stores for an ended attempt. */
const SNAPSHOT = JSON.stringify({
  value: 'done',
  context: {
    facts: { startedAt: 0, answeredAt: 0, endedAt: 0, dialStatus: 'ANSWER', digits: '1' },
    pendingOutcome: null,
    playbackId: null,
    note: 'x'.repeat(240),
  },
});

export interface SeedResult {
  leads: number;
  attempts: number;
  seconds: number;
}

/** Creates the database at `path` (migrated), the campaign, and its leads and attempts. */
export async function seedLeadsPage(
  path: string,
  campaign: Campaign,
  leadCount: number,
  now: number,
): Promise<SeedResult> {
  const started = process.hrtime.bigint();
  const store = openDatabase({ path, synchronous: 'NORMAL' });
  await migrateToLatest(store.db);
  await createCampaignRepository(store.db).insert(campaign);
  await store.close();

  const db = new SQLite(path);
  // A throwaway file: no journal, no fsync, and the secondary indexes built once at the
  // end from their own definitions (as the migrations made them), which is several times
  // faster than keeping them up to date row by row.
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.pragma('locking_mode = EXCLUSIVE');
  // Each lead's attempts are written before the lead that points at the last of them.
  db.pragma('foreign_keys = OFF');
  db.pragma('cache_size = -262144');
  const indexes = db
    .prepare(
      `select name, sql from sqlite_master
       where type = 'index' and tbl_name in ('lead', 'attempt') and sql is not null`,
    )
    .all() as { name: string; sql: string }[];
  for (const { name } of indexes) db.exec(`drop index "${name}"`);
  const insertLead = db.prepare(
    `insert into lead (id, campaign_id, phone, name, custom_vars, state, attempts,
       next_attempt_at, last_outcome, last_error, active_attempt_id, last_attempt_id,
       import_seq, created_at, updated_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertAttempt = db.prepare(
    `insert into attempt (id, campaign_id, lead_id, attempt_number, machine_version, channel_id,
       snapshot, state, done, seq, outcome, error, started_at, answered_at, handed_off_at,
       ended_at, dial_status, hangup_cause, amd_status, amd_cause, digits, created_at, updated_at)
     values (?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  let attempts = 0;
  const BATCH = 50_000;
  const load = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) attempts += writeLead(i);
  });

  function writeLead(i: number): number {
    const leadId = leadIdOf(i);
    const count = i % 5;
    // One lead in 20,000 is being dialed: its latest attempt is live.
    const live = count > 0 && i % 20_000 === 1;
    let outcome: string | null = null;
    let lastAttemptId: string | null = null;
    for (let k = 1; k <= count; k++) {
      const id = `${leadId}-${k}`;
      const createdAt = now - (count - k + 1) * 6 * HOUR + (i % 3600) * 1000;
      const open = live && k === count;
      outcome = open ? null : (OUTCOMES[(i * 7 + k) % OUTCOMES.length] ?? 'failed');
      const answered = outcome !== null && !RETRIED.has(outcome) && !FAILED.has(outcome);
      const human = outcome === 'answered_human' || outcome?.startsWith('consent_');
      const endedAt = open ? null : createdAt + (answered ? 45_000 : 25_000);
      insertAttempt.run([
        id,
        campaign.id,
        leadId,
        k,
        `ch-${id}`,
        SNAPSHOT,
        open ? 'dialing.ringing' : 'done',
        open ? 0 : 1,
        open ? 2 : 8,
        outcome,
        outcome === 'failed' ? 'originate refused: 400 Bad Request' : null,
        createdAt,
        answered ? createdAt + 9_000 : null,
        outcome === 'answered_human' ? createdAt + 14_000 : null,
        endedAt,
        answered ? 'ANSWER' : open ? null : 'NOANSWER',
        open ? null : 16,
        answered ? (human ? 'HUMAN' : 'MACHINE') : null,
        answered ? (human ? 'HUMAN-500-500' : 'LONGGREETING-2500-1500') : null,
        human ? '1' : '',
        createdAt,
        endedAt ?? createdAt,
      ]);
      lastAttemptId = id;
    }
    const state = live
      ? 'dialing'
      : i % 1000 === 999
        ? 'dnc'
        : i % 997 === 0
          ? 'canceled'
          : outcome === null
            ? 'pending'
            : RETRIED.has(outcome)
              ? count < 3
                ? 'pending'
                : 'failed'
              : FAILED.has(outcome)
                ? 'failed'
                : 'completed';
    insertLead.run([
      leadId,
      campaign.id,
      phoneOf(i),
      nameOf(i),
      i % 3 === 0 ? `{"appointment":"2026-12-0${(i % 9) + 1} 10:30"}` : '{}',
      state,
      count,
      state === 'pending' && outcome !== null ? now + HOUR : 0,
      outcome,
      outcome === 'failed' ? 'originate refused: 400 Bad Request' : null,
      live ? lastAttemptId : null,
      lastAttemptId,
      i + 1,
      now - 48 * HOUR,
      now,
    ]);
    return count;
  }

  for (let i = 0; i < leadCount; i += BATCH) load(i, Math.min(leadCount, i + BATCH));
  for (const { sql } of indexes) db.exec(sql);
  db.pragma('locking_mode = NORMAL');
  db.pragma('journal_mode = WAL');
  db.close();
  return {
    leads: leadCount,
    attempts,
    seconds: Number(process.hrtime.bigint() - started) / 1e9,
  };
}
