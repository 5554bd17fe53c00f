import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { Campaign } from '../../src/campaign/campaign.js';
import { loadConfig } from '../../src/config.js';
import { type Dialstate, startDialstate } from '../../src/main.js';
import { createCampaignRepository } from '../../src/store/campaigns.js';
import { createLeadRepository } from '../../src/store/leads.js';
import { openDatabase, type Store } from '../../src/store/sqlite/db.js';
import { seedDialingCampaign } from '../support/dialing-seed.js';
import {
  createTempDir,
  openMigratedStore,
  sampleCampaign,
  sampleLead,
  T0,
  type TempDir,
} from '../support/store-fixtures.js';
import { until } from '../support/until.js';

/**
 * Frequency caps and blackout dates against the real scheduler and the embedded
 * simulated Asterisk (`startDialstate`, no ARI URL): two campaigns share the same
 * numbers under a server cap of one call per number per 24 hours, and busy numbers are
 * retried at once; a third campaign is blacked out today wherever its leads are. Every
 * number must be called exactly once in all, the leads left over must wait, pending,
 * with the cap as their reason, and the blacked-out campaign must call no one.
 */

const FIRST = 'campaign-first';
const SECOND = 'campaign-second';
const HOLIDAY = 'campaign-holiday';
const DAY = 86_400_000;
/** New York numbers (area code 212); `07` busy, `10` invalid number (docs/simulator.md). */
const SHARED = Array.from(
  { length: 8 },
  (_, i) => `+1212555${String(i).padStart(2, '0')}${i % 2 === 0 ? '07' : '10'}`,
);
/** Los Angeles numbers (area code 213) of the blacked-out campaign: people who answer. */
const HOLIDAY_PHONES = Array.from(
  { length: 4 },
  (_, i) => `+1213555${String(i).padStart(2, '0')}01`,
);

const RETRY: Campaign['retry'] = {
  maxAttempts: 3,
  // Busy numbers are due again 0.3 s later: only the cap keeps them from a second call.
  retryAfterMinutes: { busy: 0.005, no_answer: 0.005, congestion: 0.005, interrupted: 0 },
};
const QUIET_CALLS: Partial<Campaign> = {
  maxConcurrent: 4,
  ringTimeoutSec: 2,
  consent: { enabled: false, recordingId: null, timeoutSec: 8 },
  voicemail: { enabled: false, recordingId: null, greetingMaxWaitSec: 2 },
  retry: RETRY,
};

let dir: TempDir | undefined;
let dialstate: Dialstate | undefined;
let reader: Store | undefined;
afterEach(async () => {
  await dialstate?.stop();
  dialstate = undefined;
  await reader?.close();
  reader = undefined;
  dir?.remove();
  dir = undefined;
});

/** The UTC days from yesterday to tomorrow: today, in every time zone on Earth. */
function todayEverywhere(now: number): { from: string; to: string; name: string } {
  const day = (at: number) => new Date(at).toISOString().slice(0, 10);
  return { from: day(now - DAY), to: day(now + DAY), name: 'test holiday' };
}

async function seed(into: TempDir): Promise<void> {
  await seedDialingCampaign(into, { id: FIRST, ...QUIET_CALLS }, SHARED);
  const store = await openMigratedStore(into);
  try {
    const campaigns = createCampaignRepository(store.db);
    const leads = createLeadRepository(store.db);
    const running: Partial<Campaign> = {
      status: 'running',
      window: { start: '00:00', end: '00:00', days: [1, 2, 3, 4, 5, 6, 7] },
      minIntervalMs: 0,
      ...QUIET_CALLS,
    };
    await campaigns.insert(sampleCampaign({ id: SECOND, ...running }));
    await campaigns.insert(
      sampleCampaign({ id: HOLIDAY, ...running, blackoutDates: [todayEverywhere(Date.now())] }),
    );
    const inserted = await leads.insert([
      ...SHARED.map((phone, i) => sampleLead(SECOND, 100 + i, { phone, createdAt: T0 })),
      ...HOLIDAY_PHONES.map((phone, i) => sampleLead(HOLIDAY, 200 + i, { phone })),
    ]);
    if (!inserted.ok) throw new Error('could not seed the leads');
  } finally {
    await store.close();
  }
}

interface LeadRow {
  campaign_id: string;
  phone: string;
  state: string;
  next_attempt_at: number;
  wait_reason: string | null;
  phone_zones: string | null;
}

describe('frequency caps and blackout dates, against the embedded simulator', () => {
  it('calls each number once across campaigns and no one on a blackout day', async () => {
    dir = createTempDir();
    await seed(dir);
    const startedAt = Date.now();
    dialstate = await startDialstate(
      loadConfig({
        DIALSTATE_DATA_DIR: dir.path,
        DIALSTATE_HTTP_PORT: '0',
        DIALSTATE_SIM_TIME_SCALE: '0.02',
        DIALSTATE_DB_SYNCHRONOUS: 'NORMAL',
        DIALSTATE_CAP_PER_24H: '1',
      }),
      pino({ level: 'silent' }),
    );
    reader = openDatabase({ path: `${dir.path}/dialstate.db` });
    const db = reader.db;
    const leads = () =>
      db
        .selectFrom('lead')
        .select(['campaign_id', 'phone', 'state', 'next_attempt_at', 'wait_reason', 'phone_zones'])
        .execute() as Promise<LeadRow[]>;
    const attempts = () =>
      db
        .selectFrom('attempt')
        .innerJoin('lead', 'lead.id', 'attempt.lead_id')
        .select(['lead.phone', 'attempt.campaign_id', 'attempt.done', 'attempt.created_at'])
        .execute();

    // Settled: nothing live, and every shared lead either finished or put off by the cap.
    await until(
      async () => {
        const made = await attempts();
        if (made.length < SHARED.length || made.some((a) => a.done === 0)) return false;
        const shared = (await leads()).filter((l) => l.campaign_id !== HOLIDAY);
        return (
          shared.every((l) => l.state !== 'pending' || l.wait_reason !== null) &&
          shared.every((l) => l.state !== 'dialing')
        );
      },
      { what: 'every shared number called and the rest waiting', timeoutMs: 90_000, everyMs: 100 },
    );

    const made = await attempts();
    const perPhone = new Map<string, number>();
    for (const attempt of made) perPhone.set(attempt.phone, (perPhone.get(attempt.phone) ?? 0) + 1);
    // Exactly one call per number, whichever campaign made it; none to the holiday's.
    expect(Object.fromEntries(perPhone)).toEqual(Object.fromEntries(SHARED.map((p) => [p, 1])));
    expect(made.filter((a) => a.campaign_id === HOLIDAY)).toEqual([]);

    const all = await leads();
    for (const phone of SHARED) {
      const [call] = made.filter((a) => a.phone === phone);
      const waiting = all.filter((l) => l.phone === phone && l.state === 'pending');
      // The other campaign's lead, and a busy number's own retry, wait for the cap: due
      // when the one call leaves the 24 hours, never failed.
      expect(waiting.length).toBeGreaterThanOrEqual(1);
      for (const lead of waiting) {
        expect(lead.wait_reason).toMatch(
          /^frequency cap: 1 call to this number in the last 24 hours/,
        );
        expect(lead.next_attempt_at).toBe((call?.created_at ?? 0) + DAY);
      }
      expect(all.filter((l) => l.phone === phone).map((l) => l.phone_zones)).toEqual([
        'America/New_York',
        'America/New_York',
      ]);
    }
    const holiday = all.filter((l) => l.campaign_id === HOLIDAY);
    expect(holiday.map((l) => [l.state, l.phone_zones])).toEqual(
      HOLIDAY_PHONES.map(() => ['pending', 'America/Los_Angeles']),
    );

    // Why the holiday campaign is not dialing, in words and in the API's detail.
    const response = await fetch(`${dialstate.httpUrl}/api/campaigns/${HOLIDAY}/status`);
    const status = (await response.json()) as {
      reason: string;
      message: string;
      detail: { window?: string };
    };
    expect(status.reason).toBe('outsideWindow');
    expect(status.detail.window).toBe('blackout');
    expect(status.message).toMatch(
      /^A blackout date: .*\(test holiday\) is a blackout date in America\/New_York; the window opens /,
    );
    expect(Date.now() - startedAt).toBeLessThan(120_000);
  }, 150_000);
});
