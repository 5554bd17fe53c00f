import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { type ClaimForCampaign, createCampaignClaimer } from '../../src/calls/campaign-claimer.js';
import { createChannelReconciler } from '../../src/calls/channel-reconciler.js';
import type { DialingStore } from '../../src/calls/ports.js';
import { createWindowHolds } from '../../src/calls/window-holds.js';
import { NO_FREQUENCY_CAPS } from '../../src/campaign/frequency-caps.js';
import { createDialingStore } from '../../src/store/dialing-store.js';
import type { Store } from '../../src/store/sqlite/db.js';
import { createHarness, type Harness } from '../support/harness.js';
import { openMigratedStore } from '../support/store-fixtures.js';

/**
 * ADR 044: a claim commits its attempt's first journal entry (`attempt.started`) in its
 * own transaction, so the originate waits for one synced commit instead of two in a row.
 */

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  while (open.length > 0) await open.pop()?.close();
});

async function harness(): Promise<Harness> {
  // No consent recording in the library: the gate is off, as the scheduler harness has it.
  const h = await createHarness({
    leads: 3,
    campaign: { consent: { enabled: false, recordingId: null, timeoutSec: 8 } },
  });
  open.push(h);
  return h;
}

/** The scheduler's claimer over the harness's store and runner, with sequential attempt ids. */
function claimerOf(
  h: Harness,
  store: Pick<DialingStore, 'claimNextLead'> = createDialingStore(h.store.db, h.journal),
): ClaimForCampaign {
  let ids = 0;
  return createCampaignClaimer({
    store,
    runner: h.runner,
    log: pino({ level: 'silent' }),
    identity: {
      stasisApp: 'dialstate',
      outboundIdentity: '6789',
      defaultDialString: 'Local/{number}@from-internal',
      aavaHandoffContext: 'dialstate-aava-handoff',
    },
    findMedia: async () => undefined,
    newAttemptId: () => {
      ids += 1;
      return `attempt-${ids}`;
    },
    holds: createWindowHolds(1_000),
    server: { blackoutDates: [], frequencyCaps: NO_FREQUENCY_CAPS },
    pause: async () => {},
  });
}

/** Counts the transactions committed on the store's connection (each ends in `commit`). */
function countCommits(store: Store): { count(): number } {
  const prepare = store.prepare;
  let commits = 0;
  store.prepare = (text) => {
    if (text === 'commit') commits += 1;
    return prepare(text);
  };
  return { count: () => commits };
}

/** Every row an attempt left in the journal's tables, as stored. */
async function journalRows(store: Store, attemptId: string) {
  const rows = (table: string) =>
    store
      .prepare(`select * from ${table} where ${table === 'attempt' ? 'id' : 'attempt_id'} = ?`)
      .all([attemptId]);
  return {
    attempt: rows('attempt'),
    events: rows('attempt_event'),
    timers: rows('attempt_timer'),
    input: rows('attempt_input'),
  };
}

describe('a claim commits its attempt’s first step', () => {
  it('sends the originate after one commit, which already holds attempt.started', async () => {
    const h = await harness();
    const claimFor = claimerOf(h);
    const reader = await openMigratedStore(h.dir);
    open.push(reader);
    const commits = countCommits(h.store);
    const seen: { commits: number; durable: unknown[] }[] = [];
    const originate = h.callControl.originate;
    h.callControl.originate = async (params) => {
      // What another connection reads is what was committed before the originate.
      const durable = reader
        .prepare(
          'select e.seq, e.type from attempt_event e join attempt a on a.id = e.attempt_id where a.channel_id = ?',
        )
        .all([params.channelId]);
      seen.push({ commits: commits.count(), durable });
      await originate(params);
    };

    expect(await claimFor(h.campaign, h.clock.now())).toEqual({ started: true });
    await h.runner.settled();

    expect(seen).toEqual([
      {
        commits: 1,
        durable: [{ seq: 1, type: 'attempt.started' }],
      },
    ]);
    expect(h.runner.isLive('attempt-1')).toBe(true);
    const stored = await h.journal.loadAttempt('attempt-1');
    expect(stored?.seq).toBe(1);
  });

  it('writes the journal rows the runner wrote when it committed attempt.started itself', async () => {
    const merged = await harness();
    const separate = await harness();
    const store = createDialingStore(separate.store.db, separate.journal);
    // A store that does not write the first step: the runner commits it, as before ADR 044.
    const alone = claimerOf(separate, {
      claimNextLead: ({ firstStep: _ignored, ...request }) => store.claimNextLead(request),
    });
    expect(await claimerOf(merged)(merged.campaign, merged.clock.now())).toEqual({ started: true });
    expect(await alone(separate.campaign, separate.clock.now())).toEqual({ started: true });
    await merged.runner.settled();
    await separate.runner.settled();

    const rows = await journalRows(merged.store, 'attempt-1');
    expect(rows.events).toHaveLength(1);
    expect(rows.timers.length).toBeGreaterThan(0);
    expect(rows).toEqual(await journalRows(separate.store, 'attempt-1'));
    expect(merged.callControl.received).toEqual(separate.callControl.received);
  });

  it('reconciles an attempt whose claim committed before a crash, and never dials it', async () => {
    const h = await harness();
    const dialing = createDialingStore(h.store.db, h.journal);
    // The claim's commit is made, then the process dies before the runner sees it: the
    // claim's answer never comes back.
    let committed: () => void = () => {};
    const claimCommitted = new Promise<void>((resolve) => {
      committed = resolve;
    });
    const dying = claimerOf(h, {
      async claimNextLead(request) {
        await dialing.claimNextLead(request);
        committed();
        return new Promise(() => {});
      },
    });
    void dying(h.campaign, h.clock.now());
    await claimCommitted;
    expect(await h.journal.loadAttempt('attempt-1')).toMatchObject({ seq: 1, done: false });
    expect(await h.lead(1)).toMatchObject({ state: 'dialing', activeAttemptId: 'attempt-1' });
    expect(h.runner.isLive('attempt-1')).toBe(false);

    const next = await h.crashAndRestart({
      beforeTimers: async (restarted) => {
        const reconciler = createChannelReconciler({
          runner: restarted.runner,
          channels: { listChannels: async () => [] },
          clock: restarted.clock,
          log: pino({ level: 'silent' }),
        });
        const report = await reconciler.reconcile();
        expect(report.lost).toEqual(['attempt-1']);
        await restarted.runner.settled();
      },
    });
    open.push(next);
    const entries = await next.journal.loadEntries('attempt-1');
    expect(entries.map((e) => e.event.type)).toEqual(['attempt.started', 'channel.lost']);
    expect(await next.journal.loadAttempt('attempt-1')).toMatchObject({ done: true });
    expect((await next.lead(1)).activeAttemptId).toBeNull();
    expect(h.callControl.count('originate')).toBe(0);
    expect(next.callControl.count('originate')).toBe(0);
  });
});
