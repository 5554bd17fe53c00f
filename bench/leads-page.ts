/**
 * The leads page of a large campaign: latency of `GET /api/campaigns/{id}/leads` (50 rows,
 * each with its latest attempt's time, duration, outcome, AMD status and cause, digits and
 * error) through the whole app (`app.request`: auth-free routing, validation, the two
 * SQLite reads, JSON), on a campaign of 1,000,000 leads and 2,000,000 attempts.
 *
 *   npm run bench:leads-page -- [--leads 1000000] [--runs 200] [--db path/to/keep.db]
 *
 * Cases: the first page; deep pages (a cursor half way to the end or further, a different
 * one each request); a state filter (first and deep pages); a filter on the outcome, and
 * on state and outcome; a phone search and a name search; and, for the record, the slow
 * shape (a short number prefix combined with a rare state). Each runs `--runs` requests
 * one after another after 20 unmeasured ones. With `--db`, the data is kept in that file
 * and reused by the next run when it is there.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import SQLite from 'better-sqlite3';
import { pino } from 'pino';
import { systemClock } from '../src/calls/ports.js';
import { createCampaignControl } from '../src/control/campaign-control.js';
import { createApp } from '../src/http/app.js';
import { encodeCursor } from '../src/http/page-cursor.js';
import { createRecordingLibrary } from '../src/media/recording-library.js';
import type { SetupProbe } from '../src/setup/setup-checks.js';
import { createCampaignControlStore } from '../src/store/campaign-control-store.js';
import { createRecordingRepository } from '../src/store/recordings.js';
import { openDatabase } from '../src/store/sqlite/db.js';
import { buildApiRouters, wireLiveFeed } from '../src/wiring/api.js';
import { databaseParts } from '../src/wiring/database.js';
import { benchCampaign } from './bench-fixtures.js';
import { seedLeadsPage } from './leads-page-data.js';

const { values } = parseArgs({
  options: {
    leads: { type: 'string', default: '1000000' },
    runs: { type: 'string', default: '200' },
    db: { type: 'string' },
  },
});
const leadCount = Number(values.leads);
const runs = Number(values.runs);
const WARMUP = 20;
const NOW = Date.UTC(2026, 10, 24, 15, 0, 0);
const campaign = { ...benchCampaign(), status: 'paused' as const };

const dir = mkdtempSync(path.join(os.tmpdir(), 'dialstate-leads-page-'));
const dbPath = values.db ?? path.join(dir, 'leads.db');
let setup = 'reused';
if (!existsSync(dbPath)) {
  const seeded = await seedLeadsPage(dbPath, campaign, leadCount, NOW);
  setup = `${seeded.leads.toLocaleString('en-US')} leads, ${seeded.attempts.toLocaleString('en-US')} attempts in ${seeded.seconds.toFixed(1)} s`;
}
console.log(`data: ${setup} (${dbPath})`);

// Cursors of deep pages, from the rows they continue after (not measured).
const raw = new SQLite(dbPath, { readonly: true });
const sqliteVersion = (raw.prepare('select sqlite_version() as v').get() as { v: string }).v;
const leadsInFile = (raw.prepare('select count(*) as n from lead').get() as { n: number }).n;
const importCursorAt = raw.prepare(
  'select import_seq as importSeq, rowid from lead where campaign_id = ? and import_seq >= ? order by import_seq limit 1',
);
const stateCursorAt = raw.prepare(
  `select import_seq as importSeq, rowid from lead
   where campaign_id = ? and state = ? and import_seq >= ? order by import_seq limit 1`,
);
const deepPositions = Array.from({ length: 16 }, (_, i) =>
  Math.floor(leadsInFile * (0.5 + (0.48 * i) / 15)),
);
const cursorOf = (row: unknown) => encodeCursor({ order: 'import', ...(row as object) });
const deepCursors = deepPositions.map((at) => cursorOf(importCursorAt.get(campaign.id, at)));
const deepFailedCursors = deepPositions.map((at) =>
  cursorOf(stateCursorAt.get(campaign.id, 'failed', at)),
);
raw.close();

const store = openDatabase({ path: dbPath });
const log = pino({ level: 'silent' });
const unreachable = { ok: false as const, reason: 'unreachable' as const, message: 'benchmark' };
const probe: SetupProbe = {
  ping: async () => unreachable,
  moduleLoaded: async () => unreachable,
  appConnected: async () => unreachable,
  dialplanHas: async () => unreachable,
  mediaDirAccess: async () => ({ ok: true, ownerOnly: false }),
};
// The engine is not running: the leads page reads the store only.
const idle = {
  runner: { onTransition: () => () => undefined, cancel: async () => false },
  scheduler: {
    tick: async () => undefined,
    whyNotDialing: async () => undefined,
    status: () => ({ running: false, lastPassAt: null, lastPassFailed: false }),
  },
};
const database = databaseParts(store);
const live = wireLiveFeed({ database, runner: idle.runner, clock: systemClock, log });
const api = buildApiRouters({
  database,
  control: createCampaignControl({
    store: createCampaignControlStore(store.db),
    scheduler: idle.scheduler,
    runner: idle.runner,
    clock: systemClock,
    defaultDialString: 'Local/{number}@from-internal',
    aavaHandoffContext: 'dialstate-aava-handoff',
    checkTarget: async () => null,
    log,
  }),
  scheduler: idle.scheduler,
  live,
  recordings: createRecordingLibrary({
    recordings: createRecordingRepository(store.db),
    mediaDir: path.join(dir, 'media'),
    clock: systemClock,
    newId: () => 'unused',
  }),
  setup: {
    app: 'dialstate',
    amdContext: 'aava-outbound-amd',
    dialContext: 'from-internal',
    outboundIdentity: '6789',
    mediaDir: path.join(dir, 'media'),
    aavaHandoffContext: 'dialstate-aava-handoff',
    listTargets: async () => [],
    simulated: true,
    probe,
    checksTimeoutMs: 1_000,
  },
  ariStatus: () => ({ state: 'disconnected', since: null }),
  storage: () => ({ writable: true, failingSince: null }),
  metrics: { contentType: 'text/plain', render: async () => '' },
  clock: systemClock,
  log,
});
const app = createApp(api.routers, { apiToken: null, version: 'bench' });

const LEADS = `/api/campaigns/${campaign.id}/leads`;
interface Case {
  name: string;
  /** The path of the i-th request. */
  path: (i: number) => string;
  /** Rows each page must have. */
  rows: number;
}
const cases: Case[] = [
  { name: 'first page', path: () => `${LEADS}?limit=50`, rows: 50 },
  {
    name: 'deep page (50–98% in)',
    path: (i) => `${LEADS}?limit=50&cursor=${deepCursors[i % deepCursors.length]}`,
    rows: 50,
  },
  { name: 'state=failed, first page', path: () => `${LEADS}?limit=50&state=failed`, rows: 50 },
  {
    name: 'state=failed, deep page',
    path: (i) =>
      `${LEADS}?limit=50&state=failed&cursor=${deepFailedCursors[i % deepFailedCursors.length]}`,
    rows: 50,
  },
  {
    name: 'outcome=consent_denied',
    path: () => `${LEADS}?limit=50&outcome=consent_denied`,
    rows: 50,
  },
  {
    name: 'state=pending & outcome=busy',
    path: () => `${LEADS}?limit=50&state=pending&outcome=busy`,
    rows: 50,
  },
  {
    name: 'search "(415) 201-" (number)',
    path: () => `${LEADS}?limit=50&q=${encodeURIComponent('(415) 201-')}`,
    rows: 50,
  },
  { name: 'search "grace h" (name)', path: () => `${LEADS}?limit=50&q=grace%20h`, rows: 50 },
  {
    name: 'search "415" & state=canceled (slow shape)',
    path: () => `${LEADS}?limit=50&q=415&state=canceled`,
    rows: 50,
  },
];

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
const ms = (value: number) => value.toFixed(2);

console.log(
  `\nmachine: ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, SQLite ${sqliteVersion}, ${os.platform()} ${os.release()}`,
);
console.log(`${runs} requests per case after ${WARMUP} unmeasured; latency in ms\n`);
console.log('| case | p50 | p95 | p99 | max |');
console.log('|---|---|---|---|---|');
for (const test of cases) {
  const latencies: number[] = [];
  for (let i = 0; i < WARMUP + runs; i++) {
    const started = process.hrtime.bigint();
    const response = await app.request(test.path(i));
    const body = (await response.json()) as { leads: { attempts: number; lastAttempt: unknown }[] };
    const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
    if (response.status !== 200 || body.leads.length !== test.rows) {
      throw new Error(`${test.name}: ${response.status}, ${body.leads?.length} rows`);
    }
    if (body.leads.some((lead) => lead.attempts > 0 && lead.lastAttempt === null)) {
      throw new Error(`${test.name}: a lead with attempts came without its latest one`);
    }
    if (i >= WARMUP) latencies.push(elapsed);
  }
  latencies.sort((a, b) => a - b);
  console.log(
    `| ${test.name} | ${ms(pct(latencies, 50))} | ${ms(pct(latencies, 95))} | ${ms(pct(latencies, 99))} | ${ms(latencies.at(-1) ?? Number.NaN)} |`,
  );
}

live.stop();
await store.close();
rmSync(dir, { recursive: true, force: true });
