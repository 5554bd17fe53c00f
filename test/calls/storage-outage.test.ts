import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Campaign } from '../../src/campaign/campaign.js';
import { loadConfig } from '../../src/config.js';
import { type Dialstate, type StartSeams, startDialstate } from '../../src/main.js';
import { openDatabase, type Store } from '../../src/store/sqlite/db.js';
import { seedDialingCampaign } from '../support/dialing-seed.js';
import { createFaultyJournal } from '../support/faulty-journal.js';
import { createTempDir, type TempDir } from '../support/store-fixtures.js';

/**
 * The storage-fault test: `startDialstate` dials a campaign against its embedded
 * simulated Asterisk, and database writes fail in the middle of it for longer than the
 * unwritable bound. Through the outage and after it, /health must tell the truth, no
 * call may be claimed while storage is down, and afterwards every attempt must end, no
 * lead stay dialing, and no call slot stay taken (the campaign completes by itself).
 */

const CAMPAIGN = 'campaign-outage';
const LEADS = 60;
const UNWRITABLE_AFTER_MS = 400;
/** Far ends by the number's last two digits (docs/simulator.md): human, machine, busy, no answer, congestion. */
const ENDINGS = ['16', '04', '07', '08', '09', '01'];

let dir: TempDir | undefined;
let dialstate: Dialstate | undefined;
afterEach(async () => {
  await dialstate?.stop();
  dialstate = undefined;
  dir?.remove();
  dir = undefined;
});

function seed(into: TempDir): Promise<void> {
  return seedDialingCampaign(
    into,
    {
      id: CAMPAIGN,
      maxConcurrent: 15,
      ringTimeoutSec: 2,
      consent: { enabled: false, recordingId: null, timeoutSec: 8 },
      voicemail: { enabled: false, recordingId: null, greetingMaxWaitSec: 2 },
      retry: {
        maxAttempts: 3,
        retryAfterMinutes: { interrupted: 0, busy: 0.005, no_answer: 0.005, congestion: 0 },
      } satisfies Campaign['retry'],
    },
    Array.from(
      { length: LEADS },
      (_, i) => `+1555060${String(i).padStart(2, '0')}${ENDINGS[i % ENDINGS.length]}`,
    ),
  );
}

async function start(into: TempDir, seams: StartSeams = {}): Promise<Dialstate> {
  const config = loadConfig({
    DIALSTATE_DATA_DIR: into.path,
    DIALSTATE_HTTP_PORT: '0',
    DIALSTATE_SIM_TIME_SCALE: '0.02',
    DIALSTATE_MAX_CHANNELS: '15',
    DIALSTATE_DB_SYNCHRONOUS: 'NORMAL',
    // A lock held by another connection makes each write wait this long, the process
    // with it (better-sqlite3 is synchronous): short, so that the test stays quick.
    DIALSTATE_DB_BUSY_TIMEOUT_MS: '20',
    DIALSTATE_DB_UNWRITABLE_AFTER_MS: String(UNWRITABLE_AFTER_MS),
  });
  return startDialstate(config, pino({ level: 'silent' }), seams);
}

interface Health {
  status: number;
  database: { ok: boolean; writable: boolean; writesFailingSince: number | null };
}

async function health(d: Dialstate): Promise<Health> {
  const response = await fetch(`${d.httpUrl}/health`);
  const body = (await response.json()) as Pick<Health, 'database'>;
  return { status: response.status, database: body.database };
}

async function storageGauge(d: Dialstate): Promise<number> {
  const text = await (await fetch(`${d.httpUrl}/metrics`)).text();
  return Number(/^dialstate_storage_writable (\d)$/m.exec(text)?.[1]);
}

async function whyNotDialing(d: Dialstate): Promise<string | undefined> {
  const status = await d.scheduler.whyNotDialing(CAMPAIGN);
  return status?.ok ? 'ok' : status?.reason;
}

async function countAttempts(reader: Store): Promise<number> {
  const row = await reader.db
    .selectFrom('attempt')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return row.n;
}

/**
 * Runs the campaign with a storage outage from `breakStorage` to `repairStorage`, begun
 * while calls are live and held well past the bound, and checks everything on the way.
 */
async function runThroughOutage(fault: {
  seams?: StartSeams;
  breakStorage(): void;
  repairStorage(): void;
}): Promise<void> {
  dir = createTempDir();
  await seed(dir);
  const d = await start(dir, fault.seams);
  dialstate = d;
  const reader = openDatabase({ path: join(dir.path, 'dialstate.db') });
  try {
    await vi.waitFor(() => expect(d.runner.liveAttemptIds().length).toBeGreaterThanOrEqual(10), {
      timeout: 20_000,
    });
    expect(await health(d)).toMatchObject({ status: 200, database: { writable: true } });

    fault.breakStorage();
    await vi.waitFor(
      async () => expect(await health(d)).toMatchObject({ status: 503, database: { ok: false } }),
      { timeout: 20_000, interval: 50 },
    );
    const down = await health(d);
    expect(down.database).toMatchObject({
      writable: false,
      writesFailingSince: expect.any(Number),
    });
    expect(await storageGauge(d)).toBe(0);
    expect(await whyNotDialing(d)).toBe('storageUnwritable');
    // Claims stop: no attempt is created while storage stays down (the simulator's calls
    // go on and end meanwhile; their events are held).
    const attemptsWhenDown = await countAttempts(reader);
    await vi.waitFor(() => expect(d.runner.liveAttemptIds().length).toBeGreaterThan(0));
    const stillDown = await health(d);
    expect(stillDown.status).toBe(503);
    expect(await countAttempts(reader)).toBe(attemptsWhenDown);

    fault.repairStorage();
    await vi.waitFor(
      async () => {
        const campaign = await reader.db
          .selectFrom('campaign')
          .select('status')
          .where('id', '=', CAMPAIGN)
          .executeTakeFirstOrThrow();
        expect(campaign.status).toBe('completed');
      },
      { timeout: 60_000, interval: 100 },
    );
    expect(await health(d)).toMatchObject({
      status: 200,
      database: { ok: true, writable: true, writesFailingSince: null },
    });
    expect(await storageGauge(d)).toBe(1);
    expect(d.runner.liveAttemptIds()).toEqual([]);
    const open = await reader.db.selectFrom('attempt').select('id').where('done', '=', 0).execute();
    expect(open).toEqual([]);
    const unfinished = await reader.db
      .selectFrom('lead')
      .select(['id', 'state'])
      .where('state', 'in', ['pending', 'dialing'])
      .execute();
    expect(unfinished).toEqual([]);
    expect(await countAttempts(reader)).toBeGreaterThanOrEqual(LEADS);
  } finally {
    await reader.close();
  }
}

describe('a storage outage during a campaign', () => {
  it('holds the calls while the journal cannot commit, then ends every one of them', async () => {
    const faulty = createFaultyJournal();
    await runThroughOutage({
      seams: { wrapJournal: faulty.wrap },
      breakStorage: () => {
        faulty.mode = 'fail';
      },
      repairStorage: () => {
        faulty.mode = 'ok';
      },
    });
    expect(faulty.failures).toBeGreaterThan(0);
  }, 120_000);

  it('gets through the real database file locked by another connection', async () => {
    // A second connection holding SQLite's write lock: every write of dialstate fails
    // with SQLITE_BUSY once its busy timeout runs out, as while a backup tool holds the
    // file. Unlike chmod, it stops writes even for root, and it is released at will.
    let locker: Store | undefined;
    await runThroughOutage({
      breakStorage: () => {
        locker = openDatabase({ path: join(dir?.path ?? '', 'dialstate.db') });
        locker.prepare('begin immediate').run([]);
      },
      repairStorage: () => {
        locker?.prepare('rollback').run([]);
        void locker?.close();
      },
    });
  }, 120_000);
});
