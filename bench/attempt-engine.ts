/**
 * Attempt engine throughput: journaled events per second through the real runner and
 * the real SQLite journal (file, WAL), under synchronous=NORMAL and FULL.
 *
 *   npm run bench:attempt-engine -- [--attempts 10000] [--light 1000]
 *     [--synchronous NORMAL,FULL] [--schema latest,before-trim] [--rounds 1]
 *
 * `--schema` runs each load on each schema in turn (see bench-fixtures.ts `BenchSchema`),
 * `--rounds` times, so that what a migration changed is a ratio within one run.
 *
 * Every attempt follows one of four recorded-shape scenarios (consent + hand-off,
 * voicemail drop, busy, no answer) and is claimed from a pending lead first, as the
 * scheduler does. Two loads per durability setting:
 * - heavy: 50 attempts live at once, events sent as fast as the engine takes them
 *   (throughput; per-event latency then includes waiting for the shared commit);
 * - light: one attempt at a time (the latency of a single event on an idle engine).
 * Latency is measured per event, from dispatch until its commit. Call control answers
 * at once: this measures the engine, not Asterisk.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { pino } from 'pino';
import { createAttemptRunner } from '../src/calls/attempt-runner.js';
import type { CallControl } from '../src/calls/ports.js';
import { systemClock } from '../src/calls/ports.js';
import { ATTEMPT_MACHINE_VERSION } from '../src/machines/attempt.js';
import { createAttemptSnapshot } from '../src/machines/attempt-step.js';
import type { AttemptEvent, AttemptInput } from '../src/machines/attempt-types.js';
import { createAttemptJournal } from '../src/store/attempt-journal.js';
import { createCampaignRepository } from '../src/store/campaigns.js';
import { openDatabase, type SynchronousMode } from '../src/store/db.js';
import { createLeadRepository } from '../src/store/leads.js';
import {
  type BenchSchema,
  benchCampaign,
  benchInput,
  benchSchemas,
  migrateBenchSchema,
} from './bench-fixtures.js';

type Script = (input: AttemptInput) => Omit<AttemptEvent, 'at'>[];

const SCENARIOS: Record<string, Script> = {
  consentHandOff: (input) => [
    { type: 'channel.ringing' },
    { type: 'dial.statusChanged', dialStatus: 'ANSWER' },
    { type: 'channel.answered' },
    { type: 'channel.leftStasis' },
    { type: 'amd.completed', status: 'HUMAN', cause: 'HUMAN-803-800' },
    { type: 'playback.started', playbackId: `${input.attemptId}-consent` },
    { type: 'playback.finished', playbackId: `${input.attemptId}-consent`, state: 'done' },
    { type: 'dtmf.received', digit: '1' },
    { type: 'channel.leftStasis' },
    { type: 'farEnd.hungUp', cause: 16 },
    { type: 'channel.hungUp', cause: 16 },
  ],
  voicemailDrop: (input) => [
    { type: 'channel.ringing' },
    { type: 'channel.answered' },
    { type: 'channel.leftStasis' },
    { type: 'amd.completed', status: 'MACHINE', cause: 'MAXWORDS-3-2' },
    { type: 'greeting.ended' },
    { type: 'playback.started', playbackId: `${input.attemptId}-voicemail` },
    { type: 'playback.finished', playbackId: `${input.attemptId}-voicemail`, state: 'done' },
    { type: 'channel.leftStasis' },
    { type: 'channel.hungUp', cause: 16 },
  ],
  busy: () => [
    { type: 'dial.statusChanged', dialStatus: 'BUSY' },
    { type: 'farEnd.hungUp', cause: 17 },
    { type: 'channel.hungUp', cause: 0 },
  ],
  noAnswer: () => [
    { type: 'channel.ringing' },
    { type: 'dial.statusChanged', dialStatus: 'RINGING' },
    { type: 'farEnd.hungUp', cause: 19 },
    { type: 'channel.hungUp', cause: 19 },
  ],
};

const instantCallControl: CallControl = {
  originate: async () => {},
  continueToAmd: async () => {},
  play: async () => {},
  stopPlayback: async () => {},
  detectGreetingEnd: async () => {},
  handOff: async () => {},
  hangUp: async () => {},
};

interface Result {
  schema: BenchSchema;
  synchronous: SynchronousMode;
  concurrency: number;
  attempts: number;
  events: number;
  seconds: number;
  eventsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  journalBytesPerAttempt: number;
  fileBytesPerAttempt: number;
}

async function run(
  schema: BenchSchema,
  synchronous: SynchronousMode,
  attempts: number,
  concurrency: number,
): Promise<Result> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dialstate-bench-'));
  const dbPath = path.join(dir, 'bench.db');
  const store = openDatabase({ path: dbPath, synchronous });
  await migrateBenchSchema(store.db, schema);
  const journal = createAttemptJournal(store);
  const campaign = benchCampaign();
  await createCampaignRepository(store.db).insert(campaign);
  const leads = createLeadRepository(store.db);
  const BATCH = 5000;
  for (let i = 0; i < attempts; i += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, attempts - i) }, (_, j) => {
      const n = i + j;
      return {
        id: `lead-${n}`,
        campaignId: campaign.id,
        phone: `+1555${String(n).padStart(7, '0')}`,
        name: null,
        timezone: null,
        callerId: null,
        customVars: {},
        importId: null,
        importSeq: n,
        createdAt: 0,
      };
    });
    await leads.insert(batch);
  }

  const runner = createAttemptRunner({
    journal,
    callControl: instantCallControl,
    clock: systemClock,
    log: pino({ level: 'silent' }),
  });
  const latencies = new Float64Array(attempts * 12);
  let events = 0;
  const names = Object.keys(SCENARIOS);
  let next = 0;
  const started = process.hrtime.bigint();

  async function worker(): Promise<void> {
    for (;;) {
      const n = next++;
      if (n >= attempts) return;
      const input = benchInput(
        `att-${n}`,
        `lead-${n}`,
        campaign.id,
        `+1555${String(n).padStart(7, '0')}`,
      );
      const snapshot = createAttemptSnapshot(input);
      const created = await journal.createAttempt({
        attemptId: input.attemptId,
        campaignId: campaign.id,
        leadId: input.leadId,
        machineVersion: ATTEMPT_MACHINE_VERSION,
        input,
        snapshot,
        state: 'idle',
        at: Date.now(),
      });
      if (!created.ok) throw new Error(`could not claim lead-${n}`);
      let t0 = process.hrtime.bigint();
      await runner.start(created.attempt);
      latencies[events++] = Number(process.hrtime.bigint() - t0) / 1e6;
      const script = SCENARIOS[names[n % names.length] as string] as Script;
      for (const event of script(input)) {
        t0 = process.hrtime.bigint();
        await runner.dispatch(input.attemptId, { ...event, at: Date.now() } as AttemptEvent);
        latencies[events++] = Number(process.hrtime.bigint() - t0) / 1e6;
      }
      if (runner.isLive(input.attemptId)) throw new Error(`attempt ${input.attemptId} did not end`);
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await runner.settled();

  const sorted = Array.from(latencies.subarray(0, events)).sort((a, b) => a - b);
  const pct = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
  const { rows } = await sql<{ bytes: number }>`
    select sum(length(payload) + length(commands) + length(timers) + length(state) + length(type) + 16) as bytes
    from attempt_event`.execute(store.db);
  await sql`pragma wal_checkpoint(TRUNCATE)`.execute(store.db);
  await store.close();
  const fileBytes = statSync(dbPath).size;
  rmSync(dir, { recursive: true, force: true });
  return {
    schema,
    synchronous,
    concurrency,
    attempts,
    events,
    seconds: round(seconds),
    eventsPerSecond: Math.round(events / seconds),
    p50Ms: round(pct(0.5)),
    p99Ms: round(pct(0.99)),
    journalBytesPerAttempt: Math.round((rows[0]?.bytes ?? 0) / attempts),
    fileBytesPerAttempt: Math.round(fileBytes / attempts),
  };
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

const { values } = parseArgs({
  options: {
    attempts: { type: 'string', default: '10000' },
    light: { type: 'string', default: '1000' },
    synchronous: { type: 'string', default: 'NORMAL,FULL' },
    schema: { type: 'string', default: 'latest' },
    rounds: { type: 'string', default: '1' },
  },
});
const modes = (values.synchronous ?? '').split(',').map((mode) => {
  if (mode !== 'NORMAL' && mode !== 'FULL') throw new Error(`not a synchronous mode: ${mode}`);
  return mode;
});
const schemas = benchSchemas(values.schema ?? '');
const loadBefore = os.loadavg().map((n) => n.toFixed(2));
const results: Result[] = [];
for (const mode of modes) {
  for (let round = 0; round < Number(values.rounds); round += 1) {
    for (const schema of schemas)
      results.push(await run(schema, mode, Number(values.attempts), 50));
    for (const schema of schemas) results.push(await run(schema, mode, Number(values.light), 1));
  }
}
console.log(
  `attempt engine, node ${process.version}, ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? ''}, ` +
    `load average ${loadBefore.join(' ')} before, ${os
      .loadavg()
      .map((n) => n.toFixed(2))
      .join(' ')} after`,
);
console.log(
  '| schema | synchronous | live at once | attempts | events | seconds | events/s | p50 ms | p99 ms | journal B/attempt | file B/attempt |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|---|');
for (const r of results) {
  console.log(
    `| ${r.schema} | ${r.synchronous} | ${r.concurrency} | ${r.attempts} | ${r.events} | ${r.seconds} | ${r.eventsPerSecond} | ${r.p50Ms} | ${r.p99Ms} | ${r.journalBytesPerAttempt} | ${r.fileBytesPerAttempt} |`,
  );
}
