import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { type Dialstate, startDialstate } from '../../src/main.js';
import type { Store } from '../../src/store/sqlite/db.js';
import { useCleanup } from '../support/cleanup.js';
import { seedDialingCampaign } from '../support/dialing-seed.js';
import { createTempDir, openMigratedStore } from '../support/store-fixtures.js';
import { until } from '../support/until.js';

const CAMPAIGN = 'campaign-capped';
const LEADS = 25;

const later = useCleanup();

/**
 * Dialstate with its embedded simulator 20× faster than real time, dialing a campaign
 * of people (numbers ending in 01) whose AI target is an ARI app nobody runs: every
 * hand-off fails (ApplicationMoveFailed), so every person is abandoned.
 */
async function startCappedCampaign(): Promise<{ dialstate: Dialstate; reader: Store }> {
  const dir = createTempDir();
  later(() => dir.remove());
  const phones = Array.from({ length: LEADS }, (_, i) => `+1555${String(i).padStart(4, '0')}01`);
  await seedDialingCampaign(
    dir,
    {
      id: CAMPAIGN,
      maxConcurrent: 3,
      consent: { enabled: false, recordingId: null, timeoutSec: 8 },
      voicemail: { enabled: false, recordingId: null, greetingMaxWaitSec: 20 },
      aiTarget: { kind: 'app', app: 'no-agent-here', args: [] },
      abandonCapPercent: 3,
      safeHarbourRecordingId: 'rec-voicemail',
    },
    phones,
  );
  const dialstate = await startDialstate(
    loadConfig({
      DIALSTATE_DATA_DIR: dir.path,
      DIALSTATE_HTTP_PORT: '0',
      DIALSTATE_SIM_TIME_SCALE: '0.05',
      DIALSTATE_HANDOFF_SETTLE_MS: '100',
    }),
    pino({ level: 'silent' }),
  );
  later(() => dialstate.stop());
  const reader = await openMigratedStore(dir);
  later(() => reader.close());
  return { dialstate, reader };
}

describe('campaign scheduler: the abandoned-call cap', () => {
  it('dials one call at a time near the cap, then pauses the campaign with the reason once over it', async () => {
    const { dialstate, reader } = await startCappedCampaign();

    await until(
      async () => {
        const row = await reader.db
          .selectFrom('campaign')
          .select('status')
          .where('id', '=', CAMPAIGN)
          .executeTakeFirstOrThrow();
        return row.status === 'paused';
      },
      { what: 'the campaign paused', timeoutMs: 120_000, everyMs: 100 },
    );

    const campaign = await reader.db
      .selectFrom('campaign')
      .select(['status', 'status_reason'])
      .where('id', '=', CAMPAIGN)
      .executeTakeFirstOrThrow();
    expect(campaign.status_reason).toBe(
      'abandoned-call cap: abandoned calls at 100 % of 20 answered over the last 30 days, above the 3 % cap',
    );

    // Every person answered was abandoned: 20 of them, the fewest that may pause it.
    const answered = await reader.db.selectFrom('answered_call').selectAll().execute();
    expect(answered).toHaveLength(20);
    expect(answered.every((row) => row.our_side_failed === 1 && row.connected_at === null)).toBe(
      true,
    );
    const pending = await reader.db
      .selectFrom('lead')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('state', '=', 'pending')
      .executeTakeFirstOrThrow();
    expect(Number(pending.n)).toBe(LEADS - 20);

    // Slowed once the first call was abandoned: never two at once after it.
    const attempts = await reader.db
      .selectFrom('attempt')
      .select(['id', 'created_at', 'ended_at', 'outcome'])
      .orderBy('created_at')
      .execute();
    expect(attempts).toHaveLength(20);
    const firstEnd = Math.min(...attempts.map((a) => a.ended_at ?? Number.POSITIVE_INFINITY));
    const slowed = attempts.filter((a) => a.created_at >= firstEnd);
    expect(slowed.length).toBeGreaterThanOrEqual(15);
    for (let i = 1; i < slowed.length; i += 1) {
      expect(slowed[i]?.created_at).toBeGreaterThanOrEqual(slowed[i - 1]?.ended_at ?? 0);
    }
    expect(new Set(attempts.map((a) => a.outcome))).toEqual(new Set(['handoff_failed']));

    // Each person heard the safe-harbour message before the hang-up, as journaled.
    const plays = await reader.db
      .selectFrom('attempt_event')
      .select(['attempt_id', 'commands'])
      .where('commands', 'like', '%-safe-harbour%')
      .execute();
    expect(new Set(plays.map((p) => p.attempt_id)).size).toBe(20);

    const status = await fetch(`${dialstate.httpUrl}/api/campaigns/${CAMPAIGN}/status`);
    const body = (await status.json()) as { reason: string; message: string };
    expect(body.reason).toBe('notRunning');
    expect(body.message).toContain('paused: abandoned-call cap: abandoned calls at 100 %');

    const stats = await fetch(`${dialstate.httpUrl}/api/campaigns/${CAMPAIGN}/stats`);
    const { abandonment } = (await stats.json()) as {
      abandonment: {
        capPercent: number;
        last24h: { answered: number; abandoned: number; ratePercent: number };
        last30d: { answered: number; abandoned: number; ratePercent: number };
        daily: { answered: number }[];
      };
    };
    expect(abandonment.capPercent).toBe(3);
    expect(abandonment.last30d).toEqual({ answered: 20, abandoned: 20, ratePercent: 100 });
    expect(abandonment.last24h).toEqual({ answered: 20, abandoned: 20, ratePercent: 100 });
    expect(abandonment.daily).toHaveLength(30);
    expect(abandonment.daily.at(-1)?.answered).toBe(20);

    const metrics = await (await fetch(`${dialstate.httpUrl}/metrics`)).text();
    expect(metrics).toContain(
      `dialstate_abandoned_call_rate{campaign="${CAMPAIGN}",window="30d"} 1`,
    );
  }, 180_000);
});
