import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSchedulerHarness } from '../support/scheduler-harness.js';

const CAMPAIGN = 'campaign-reminders';
const OTHER = 'campaign-other';

/** One thing that happens while two campaigns dial: time passes, or a live call ends. */
type Step = { kind: 'advance'; ms: number } | { kind: 'end'; pick: number; cause: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 1, max: 3_000 }) }),
  fc.record({
    kind: fc.constant('end' as const),
    pick: fc.nat(),
    // Busy is retried (after 10 minutes); an invalid number finishes the lead.
    cause: fc.constantFrom(17, 1),
  }),
);

describe('campaign scheduler pacing (property)', () => {
  it('never exceeds either maxConcurrent or the global cap, and keeps each interval', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          maxA: fc.integer({ min: 1, max: 4 }),
          maxB: fc.integer({ min: 1, max: 4 }),
          intervalA: fc.constantFrom(0, 500, 2_000),
          intervalB: fc.constantFrom(0, 1_000),
          maxChannels: fc.integer({ min: 1, max: 5 }),
          steps: fc.array(step, { minLength: 5, maxLength: 40 }),
        }),
        async ({ maxA, maxB, intervalA, intervalB, maxChannels, steps }) => {
          const x = await createSchedulerHarness({
            campaign: { maxConcurrent: maxA, minIntervalMs: intervalA },
            leads: 8,
            maxChannels,
          });
          try {
            await x.addCampaign(
              { id: OTHER, maxConcurrent: maxB, minIntervalMs: intervalB },
              8,
              101,
            );
            const limits: Record<string, number> = { [CAMPAIGN]: maxA, [OTHER]: maxB };
            const check = async () => {
              const open = await x.openAttempts();
              expect(open.length).toBeLessThanOrEqual(maxChannels);
              for (const [campaignId, max] of Object.entries(limits)) {
                expect(open.filter((a) => a.campaignId === campaignId).length).toBeLessThanOrEqual(
                  max,
                );
              }
              return open;
            };
            x.scheduler.start();
            await x.quiet();
            for (const s of steps) {
              if (s.kind === 'advance') {
                await x.advance(s.ms);
              } else {
                const open = await x.openAttempts();
                const victim = open[s.pick % Math.max(1, open.length)];
                if (victim) await x.hangUp(victim.attemptId, s.cause);
              }
              await check();
            }
            const created = await x.store.db
              .selectFrom('attempt')
              .select(['campaign_id', 'created_at'])
              .orderBy('created_at')
              .execute();
            for (const [campaignId, interval] of [
              [CAMPAIGN, intervalA],
              [OTHER, intervalB],
            ] as const) {
              const times = created
                .filter((r) => r.campaign_id === campaignId)
                .map((r) => r.created_at);
              for (let i = 1; i < times.length; i += 1) {
                expect((times[i] ?? 0) - (times[i - 1] ?? 0)).toBeGreaterThanOrEqual(interval);
              }
            }
          } finally {
            await x.close();
          }
        },
      ),
      { numRuns: 25, seed: 20261124 },
    );
  }, 120_000);
});
