/**
 * What the frequency caps' lookup would cost without the index on `lead(phone)` alone,
 * which every lead written pays for (one more B-tree at a random place): the attempts to
 * one number in every campaign, found through `lead_phone` (CLAIM_SQL.attemptsToPhone)
 * or, without it, campaign by campaign through the unique `(campaign_id, phone)` index
 * (ALTERNATIVE). The same leads and attempts in two database files, one with
 * `lead_phone` and one without; the two queries in turn, `--rounds` times, on the same
 * random numbers, per number of
 * campaigns (`--campaigns`: the leads are spread over them, every fifth number in two
 * campaigns, a third of the leads with an attempt in the last 30 days).
 *
 *   npx tsx bench/cap-query.ts [--campaigns 1,100,1000] [--leads 200000] [--lookups 5000] [--rounds 3]
 */
import { randomUUID } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import SQLite from 'better-sqlite3';
import { createCampaignRepository } from '../src/store/campaigns.js';
import { CLAIM_SQL } from '../src/store/lead-claims.js';
import { migrateToLatest } from '../src/store/migrate.js';
import { openDatabase } from '../src/store/sqlite/db.js';
import { benchCampaign } from './bench-fixtures.js';

/** The cap query without `lead_phone`: the number looked up in each campaign in turn. */
const ALTERNATIVE = `select a.created_at as at from lead l
    join attempt a on a.lead_id = l.id
    where l.campaign_id in (select id from campaign) and l.phone = ? and a.created_at > ?
    order by a.created_at desc limit ?`;

const { values } = parseArgs({
  options: {
    campaigns: { type: 'string', default: '1,100,1000' },
    leads: { type: 'string', default: '200000' },
    lookups: { type: 'string', default: '5000' },
    rounds: { type: 'string', default: '3' },
  },
});
const leadCount = Number(values.leads);
const lookups = Number(values.lookups);
const loadavg = () => readFileSync('/proc/loadavg', 'utf8').trim().split(' ').slice(0, 3).join(' ');
const phoneOf = (n: number) => `+1555${String(n).padStart(7, '0')}`;
const NOW = Date.UTC(2026, 11, 6);
const DAY = 86_400_000;

/** Two files of the same leads and attempts over `campaigns` campaigns: with `lead_phone`, and without. */
async function build(
  dir: string,
  campaigns: number,
): Promise<{ withIndex: string; without: string }> {
  const withIndex = path.join(dir, `with-${campaigns}.db`);
  const store = openDatabase({ path: withIndex, synchronous: 'NORMAL' });
  await migrateToLatest(store.db);
  const ids = Array.from({ length: campaigns }, () => randomUUID());
  const repository = createCampaignRepository(store.db);
  for (const id of ids) await repository.insert({ ...benchCampaign(), id });
  await store.close();
  const db = new SQLite(withIndex);
  db.exec('create index if not exists lead_phone on lead (phone)');
  const lead = db.prepare(
    `insert into lead (id, campaign_id, phone, custom_vars, state, attempts, recycled_attempts,
       next_attempt_at, priority, import_seq, created_at, updated_at)
     values (?, ?, ?, '{}', 'pending', 0, 0, 0, 0, ?, 0, 0)
     on conflict do nothing`,
  );
  const attempt = db.prepare(
    `insert into attempt (id, campaign_id, lead_id, attempt_number, machine_version, channel_id,
       snapshot, state, done, created_at, updated_at)
     values (?, ?, ?, 1, 2, ?, '{}', 'done', 1, ?, ?)`,
  );
  db.transaction(() => {
    for (let n = 0; n < leadCount; n++) {
      // Every fifth number also the previous lead's, in the next campaign: the caps look
      // across campaigns (with one campaign, that lead is not added).
      const number = n % 5 === 0 && n > 0 ? n - 1 : n;
      const campaign = ids[n % campaigns] as string;
      const id = `lead-${n}`;
      if (lead.run(id, campaign, phoneOf(number), n).changes === 0) continue;
      if (n % 3 === 0) {
        const at = NOW - (n % 30) * DAY;
        attempt.run(`attempt-${n}`, campaign, id, `channel-${n}`, at, at);
      }
    }
  })();
  db.exec('analyze');
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  const without = path.join(dir, `without-${campaigns}.db`);
  copyFileSync(withIndex, without);
  const other = new SQLite(without);
  other.exec('drop index if exists lead_phone');
  other.close();
  return { withIndex, without };
}

/** Mean µs per lookup of `sql` over `phones`, and the rows found (the same for both queries). */
function time(file: string, sql: string, phones: string[]): { us: number; rows: number } {
  const db = new SQLite(file, { readonly: true });
  try {
    const statement = db.prepare(sql);
    let rows = 0;
    for (const phone of phones.slice(0, 200)) statement.all(phone, NOW - 30 * DAY, 30);
    const started = process.hrtime.bigint();
    for (const phone of phones) rows += statement.all(phone, NOW - 30 * DAY, 30).length;
    return { us: Number(process.hrtime.bigint() - started) / 1e3 / phones.length, rows };
  } finally {
    db.close();
  }
}

function plan(file: string, sql: string): string {
  const db = new SQLite(file, { readonly: true });
  try {
    return (db.prepare(`explain query plan ${sql}`).all(phoneOf(0), 0, 30) as { detail: string }[])
      .map((row) => row.detail)
      .join('; ');
  } finally {
    db.close();
  }
}

const work = mkdtempSync(path.join(os.tmpdir(), 'dialstate-cap-query-'));
console.log(
  `frequency-cap lookup, node ${process.version}, ${os.cpus().length} cores, ${leadCount} leads, ${lookups} lookups a run`,
);
console.log(
  '| campaigns | round | loadavg before | lead_phone µs | campaign by campaign µs | ÷ | rows found |',
);
console.log('|---|---|---|---|---|---|---|');
const plans: string[] = [];
for (const campaigns of values.campaigns.split(',').map(Number)) {
  const { withIndex, without } = await build(work, campaigns);
  plans.push(
    `${campaigns} campaigns: lead_phone: ${plan(withIndex, CLAIM_SQL.attemptsToPhone)} | campaign by campaign: ${plan(without, ALTERNATIVE)}`,
  );
  const phones = Array.from({ length: lookups }, () =>
    phoneOf(Math.floor(Math.random() * leadCount)),
  );
  for (let round = 1; round <= Number(values.rounds); round++) {
    const before = loadavg();
    const indexed = time(withIndex, CLAIM_SQL.attemptsToPhone, phones);
    const each = time(without, ALTERNATIVE, phones);
    if (indexed.rows !== each.rows) {
      throw new Error(`the queries disagree: ${indexed.rows} vs ${each.rows}`);
    }
    console.log(
      `| ${campaigns} | ${round} | ${before} | ${indexed.us.toFixed(1)} | ${each.us.toFixed(1)} | ${(each.us / indexed.us).toFixed(2)} | ${each.rows} |`,
    );
  }
}
for (const line of plans) console.log(line);
console.log(`loadavg at end ${loadavg()}`);
rmSync(work, { recursive: true, force: true });
