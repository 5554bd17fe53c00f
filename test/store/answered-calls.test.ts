import { afterEach, describe, expect, it } from 'vitest';
import { createAbandonmentReader } from '../../src/store/answered-calls.js';
import type { Store } from '../../src/store/sqlite/db.js';
import { createTempDir, openMigratedStore, type TempDir } from '../support/store-fixtures.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 11, 6, 12, 0, 0);

let dir: TempDir | undefined;
let store: Store | undefined;

afterEach(async () => {
  await store?.close();
  dir?.remove();
  store = undefined;
  dir = undefined;
});

/** A person's call that ended `endedAgo` ms before NOW, greeted 10 s before its end. */
function row(
  id: string,
  endedAgo: number,
  timing: { firstAudioMs?: number; calleeLeftMs?: number; ourSideFailed?: boolean },
) {
  const endedAt = NOW - endedAgo;
  const greeting = endedAt - 10_000;
  return {
    attempt_id: id,
    campaign_id: 'c1',
    ended_at: endedAt,
    answered_at: greeting - 3_000,
    greeting_ended_at: greeting,
    first_audio_at: timing.firstAudioMs === undefined ? null : greeting + timing.firstAudioMs,
    connected_at: timing.firstAudioMs === undefined ? null : greeting + timing.firstAudioMs,
    callee_left_at: timing.calleeLeftMs === undefined ? null : greeting + timing.calleeLeftMs,
    our_side_failed: timing.ourSideFailed ? 1 : 0,
  };
}

describe('abandonment reader', () => {
  it('counts in SQL as isAbandoned does: exactly the threshold is in time, 1 ms more is not', async () => {
    dir = createTempDir();
    store = await openMigratedStore(dir);
    await store.db
      .insertInto('answered_call')
      .values([
        row('on-time', 1_000, { firstAudioMs: 2_000 }),
        row('late', 2_000, { firstAudioMs: 2_001 }),
        row('left-in-time', 3_000, { calleeLeftMs: 2_000 }),
        row('left-after', 4_000, { calleeLeftMs: 2_001 }),
        row('failed', 5_000, { firstAudioMs: 10, ourSideFailed: true }),
        row('yesterday', DAY + 60_000, { firstAudioMs: 5_000 }),
        row('old', 31 * DAY, { firstAudioMs: 5_000 }),
      ])
      .execute();

    const reader = createAbandonmentReader(store.db, 2_000);
    const stats = await reader.stats('c1', NOW);

    expect(stats.last24h).toEqual({ answered: 5, abandoned: 3 });
    expect(stats.last30d).toEqual({ answered: 6, abandoned: 4 });
    expect(stats.daily).toHaveLength(30);
    expect(stats.daily.at(-1)).toEqual({ day: '2026-12-06', answered: 5, abandoned: 3 });
    expect(stats.daily.at(-2)).toEqual({ day: '2026-12-05', answered: 1, abandoned: 1 });
    // A longer threshold forgives the 2.001 s ones.
    expect((await createAbandonmentReader(store.db, 3_000).windows('c1', NOW)).last24h).toEqual({
      answered: 5,
      abandoned: 1,
    });
    expect((await reader.allCampaigns(NOW)).get('c1')).toEqual({
      last24h: { answered: 5, abandoned: 3 },
      last30d: { answered: 6, abandoned: 4 },
    });
  });
});
