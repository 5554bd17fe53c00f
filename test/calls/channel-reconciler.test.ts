import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createChannelReconciler,
  type ReconcileReport,
} from '../../src/calls/channel-reconciler.js';
import type { AmdVerdict, AmdVerdictDirectory } from '../../src/calls/lost-amd-verdict.js';
import type { ChannelDirectory } from '../../src/calls/ports.js';
import { consentPlaybackId } from '../support/attempt-events.js';
import { createHarness, type Harness } from '../support/harness.js';

const open: Harness[] = [];
afterEach(async () => {
  while (open.length > 0) await open.pop()?.close();
});

async function harness(): Promise<Harness> {
  const h = await createHarness({ leads: 3 });
  open.push(h);
  return h;
}

function directory(list: () => Promise<string[]>): ChannelDirectory & { calls: number } {
  const dir = {
    calls: 0,
    async listChannels() {
      dir.calls += 1;
      return (await list()).map((id) => ({ id }));
    },
  };
  return dir;
}

describe('createChannelReconciler', () => {
  it('marks lost exactly the live attempts whose channel Asterisk no longer has', async () => {
    const h = await harness();
    const kept = await h.launch(1);
    const gone = await h.launch(2);
    const channels = directory(async () => [`dialstate-${kept}`, `dialstate-${kept};2`]);
    const reconciler = createChannelReconciler({
      runner: h.runner,
      channels,
      clock: h.clock,
      log: pino({ level: 'silent' }),
    });

    const report = await reconciler.reconcile();
    await h.runner.settled();

    expect(report).toEqual({ checked: 2, lost: [gone], playbacksEnded: [], verdictsRebuilt: [] });
    expect(h.runner.isLive(kept)).toBe(true);
    expect(h.runner.isLive(gone)).toBe(false);
    const attempt = await h.journal.loadAttempt(gone);
    expect(attempt?.snapshot.context).toMatchObject({ outcome: 'interrupted' });
    const entries = await h.journal.loadEntries(gone);
    expect(entries.at(-1)?.event).toEqual({ type: 'channel.lost', at: h.clock.now() });
    expect(await h.lead(2)).toMatchObject({ lastOutcome: 'interrupted', activeAttemptId: null });
  });

  it('leaves alone an attempt started while the channels were being listed', async () => {
    const h = await harness();
    await h.launch(1);
    let started = '';
    const channels = directory(async () => {
      started = await h.launch(2);
      return ['dialstate-attempt-1-1'];
    });
    const reconciler = createChannelReconciler({
      runner: h.runner,
      channels,
      clock: h.clock,
      log: pino({ level: 'silent' }),
    });

    expect(await reconciler.reconcile()).toEqual({
      checked: 1,
      lost: [],
      playbacksEnded: [],
      verdictsRebuilt: [],
    });
    expect(h.runner.isLive(started)).toBe(true);
  });

  it('marks nothing when the channels cannot be listed, and runs one reconciliation at a time', async () => {
    const h = await harness();
    const id = await h.launch(1);
    let fail = true;
    let running = 0;
    let overlapped = false;
    // A listing stays open until the test lets it go, so a second one could only overlap it.
    let held: Promise<void> = Promise.resolve();
    const channels = directory(async () => {
      running += 1;
      overlapped ||= running > 1;
      await held;
      running -= 1;
      if (fail) throw new Error('ARI not reachable');
      return [];
    });
    const reconciler = createChannelReconciler({
      runner: h.runner,
      channels,
      clock: h.clock,
      log: pino({ level: 'silent' }),
    });

    await expect(reconciler.reconcile()).rejects.toThrow('ARI not reachable');
    expect(h.runner.isLive(id)).toBe(true);
    fail = false;
    let release = () => {};
    held = new Promise((resolve) => {
      release = resolve;
    });
    const both = Promise.all([reconciler.reconcile(), reconciler.reconcile()]);
    // One turn of the event loop: both calls have run as far as they can without I/O.
    await new Promise((resolve) => setImmediate(resolve));
    expect(channels.calls).toBe(2);
    release();
    const [first, second] = await both;
    expect(first.lost).toEqual([id]);
    expect(second).toEqual({ checked: 0, lost: [], playbacksEnded: [], verdictsRebuilt: [] });
    expect(overlapped).toBe(false);
    expect(channels.calls).toBe(3);
  });

  it('rebuilds a consent prompt end missed while away, stamped with its real end, so the consent timeout runs from it', async () => {
    let h = await harness();
    open.pop();
    const attemptId = await h.launch(1);
    await h.send(attemptId, { type: 'channel.answered' });
    await h.send(attemptId, { type: 'amd.completed', status: 'HUMAN', cause: 'HUMAN-1000-1000' });
    const playedAt = h.clock.now();
    const playbackId = consentPlaybackId(attemptId);
    expect(h.callControl.received.at(-1)).toMatchObject({ type: 'play', params: { playbackId } });
    // dialstate dies during the 2 s prompt and is back 10 s later: the PlaybackFinished
    // went to nobody, and Asterisk no longer has the playback.
    const asked: string[] = [];
    let report: ReconcileReport | undefined;
    // As on a start: restored, reconciled, and only then are the timers armed.
    h = await h.crashAndRestart({
      downForMs: 10_000,
      async beforeTimers(restarted) {
        const reconciler = createChannelReconciler({
          runner: restarted.runner,
          channels: directory(async () => [`dialstate-${attemptId}`]),
          clock: restarted.clock,
          log: pino({ level: 'silent' }),
          journal: restarted.journal,
          playbacks: {
            async playbackExists(id) {
              asked.push(id);
              return false;
            },
          },
        });
        report = await reconciler.reconcile();
        await restarted.runner.settled();
      },
    });
    open.push(h);

    expect(asked).toEqual([playbackId]);
    expect(report?.playbacksEnded).toEqual([attemptId]);
    const entries = await h.journal.loadEntries(attemptId);
    expect(entries.at(-1)?.event).toEqual({
      type: 'playback.finished',
      at: playedAt + 2_000,
      playbackId,
      state: 'done',
    });
    // The 8 s consent timeout counts from the prompt's end, 8 s before now: it is due now,
    // not 8 s after the restart.
    await h.advance(1);
    const after = (await h.journal.loadEntries(attemptId)).slice(entries.length);
    // Only the consent timeout fires: the prompt's own bound, held from before the
    // restart, was cancelled by the rebuilt end.
    expect(after.map((e) => [e.event.type, e.state])).toEqual([['timer.fired', 'hangingUp']]);
    expect(after[0]?.event).toMatchObject({
      timerId: 'xstate.after.consentTimeout.attempt.askingConsent.listening',
    });
  });

  it('leaves a playback that Asterisk still plays alone', async () => {
    const h = await harness();
    const attemptId = await h.launch(1);
    await h.send(attemptId, { type: 'channel.answered' });
    await h.send(attemptId, { type: 'amd.completed', status: 'HUMAN', cause: 'HUMAN-1000-1000' });
    const reconciler = createChannelReconciler({
      runner: h.runner,
      channels: directory(async () => [`dialstate-${attemptId}`]),
      clock: h.clock,
      log: pino({ level: 'silent' }),
      journal: h.journal,
      playbacks: { playbackExists: async () => true },
    });
    expect((await reconciler.reconcile()).playbacksEnded).toEqual([]);
  });

  describe('an AMD verdict missed while away', () => {
    /** A PBX whose channel is back in Stasis from the hop with `verdict` (null: elsewhere). */
    function hop(verdict: AmdVerdict | null, meanwhile: () => Promise<void> = async () => {}) {
      const asked: string[] = [];
      const verdicts: AmdVerdictDirectory = {
        async returnedVerdict(channelId) {
          asked.push(channelId);
          await meanwhile();
          return verdict;
        },
      };
      return { asked, verdicts };
    }

    /** Reconciles the attempt's live channel with `pbx`, over the harness's runner and journal. */
    function reconcileWith(h: Harness, attemptId: string, pbx: ReturnType<typeof hop>) {
      return createChannelReconciler({
        runner: h.runner,
        channels: directory(async () => [`dialstate-${attemptId}`]),
        clock: h.clock,
        log: pino({ level: 'silent' }),
        journal: h.journal,
        verdicts: pbx.verdicts,
      }).reconcile();
    }

    /** An attempt answered and sent to AMD, then a crash: the verdict came while away. */
    async function screenedThenRestarted(
      pbx: ReturnType<typeof hop>,
      meanwhile?: (restarted: Harness, attemptId: string) => Promise<void>,
    ) {
      let h = await harness();
      open.pop();
      const attemptId = await h.launch(1);
      await h.send(attemptId, { type: 'channel.answered' });
      expect(h.callControl.received.at(-1)?.type).toBe('continueToAmd');
      let report: ReconcileReport | undefined;
      // Away a minute: longer than the attempt's AMD timeout, held over the restart.
      h = await h.crashAndRestart({
        downForMs: 60_000,
        async beforeTimers(restarted) {
          await meanwhile?.(restarted, attemptId);
          report = await reconcileWith(restarted, attemptId, pbx);
          await restarted.runner.settled();
        },
      });
      open.push(h);
      return { h, attemptId, report };
    }

    it('reads it back from the channel and goes on from it, its timers running from now', async () => {
      const pbx = hop({ status: 'HUMAN', cause: 'HUMAN-800-800' });
      const { h, attemptId, report } = await screenedThenRestarted(pbx);

      expect(pbx.asked).toEqual([`dialstate-${attemptId}`]);
      expect(report?.verdictsRebuilt).toEqual([attemptId]);
      const entries = await h.journal.loadEntries(attemptId);
      expect(entries.at(-1)?.event).toEqual({
        type: 'amd.completed',
        at: h.clock.now(),
        status: 'HUMAN',
        cause: 'HUMAN-800-800',
      });
      expect(entries.at(-1)?.state).toBe('askingConsent.prompting');
      expect(h.callControl.received.at(-1)).toMatchObject({
        type: 'play',
        params: { playbackId: consentPlaybackId(attemptId) },
      });
      // The AMD timeout that fell due while away was cancelled by the verdict, and the
      // prompt's bound counts from now: nothing fires at once.
      await h.advance(1);
      expect(await h.journal.loadEntries(attemptId)).toHaveLength(entries.length);
    });

    it('asks the PBX about every attempt at once, not one after another', async () => {
      // A node taking over a hundred calls used to square them one at a time: a PBX
      // round trip and a commit each before the next, the calls still up unwatched.
      // Here each answer waits until all three attempts have been asked; one at a time,
      // the first would wait for the others forever.
      let h = await harness();
      open.pop();
      const ids = [await h.launch(1), await h.launch(2), await h.launch(3)];
      for (const id of ids) await h.send(id, { type: 'channel.answered' });
      const asked: string[] = [];
      let allAsked: () => void = () => {};
      const barrier = new Promise<void>((resolve) => {
        allAsked = resolve;
      });
      const verdicts: AmdVerdictDirectory = {
        async returnedVerdict(channelId) {
          asked.push(channelId);
          if (asked.length === ids.length) allAsked();
          const waited = await Promise.race([
            barrier.then(() => true),
            new Promise<false>((resolve) => setTimeout(() => resolve(false), 10_000)),
          ]);
          if (!waited) throw new Error(`asked about ${channelId} alone: one at a time`);
          return { status: 'MACHINE', cause: 'LONGGREETING-2000-2000' };
        },
      };
      let report: ReconcileReport | undefined;
      h = await h.crashAndRestart({
        downForMs: 60_000,
        async beforeTimers(restarted) {
          report = await createChannelReconciler({
            runner: restarted.runner,
            channels: directory(async () => ids.map((id) => `dialstate-${id}`)),
            clock: restarted.clock,
            log: pino({ level: 'silent' }),
            journal: restarted.journal,
            verdicts,
          }).reconcile();
          await restarted.runner.settled();
        },
      });
      open.push(h);

      expect([...asked].sort()).toEqual(ids.map((id) => `dialstate-${id}`).sort());
      expect([...(report?.verdictsRebuilt ?? [])].sort()).toEqual([...ids].sort());
    });

    it('leaves the attempt to its AMD timeout when the channel shows no verdict back', async () => {
      const pbx = hop(null);
      const { h, attemptId, report } = await screenedThenRestarted(pbx);

      expect(pbx.asked).toEqual([`dialstate-${attemptId}`]);
      expect(report?.verdictsRebuilt).toEqual([]);
      // Today's behaviour: the AMD timeout, due while away, fires once timers are armed.
      await h.advance(1);
      const attempt = await h.journal.loadAttempt(attemptId);
      expect(attempt?.state).toBe('hangingUp');
      expect(attempt?.snapshot.context).toMatchObject({
        pendingOutcome: 'failed',
        error: 'no AMD verdict within the AMD timeout',
      });
    });

    it('drops the rebuilt verdict when the real one came while the PBX was asked', async () => {
      let restarted: Harness | undefined;
      let id = '';
      // The hop's StasisStart, on its way while the reconciler reads the channel.
      const pbx = hop({ status: 'MACHINE', cause: 'MAXWORDS-3-2' }, async () => {
        await restarted?.runner.dispatch(id, {
          type: 'amd.completed',
          at: restarted.clock.now(),
          status: 'MACHINE',
          cause: 'MAXWORDS-3-2',
        });
      });
      const { h, attemptId, report } = await screenedThenRestarted(pbx, async (r, attempt) => {
        restarted = r;
        id = attempt;
      });

      expect(report?.verdictsRebuilt).toEqual([]);
      const verdicts = (await h.journal.loadEntries(attemptId)).filter(
        (entry) => entry.event.type === 'amd.completed',
      );
      expect(verdicts).toHaveLength(1);
    });

    it('asks nothing for an attempt that already has its verdict', async () => {
      const h = await harness();
      const attemptId = await h.launch(1);
      await h.send(attemptId, { type: 'channel.answered' });
      await h.send(attemptId, { type: 'amd.completed', status: 'HUMAN', cause: 'HUMAN-1000-1000' });
      const pbx = hop({ status: 'HUMAN', cause: 'HUMAN-1000-1000' });
      const report = await reconcileWith(h, attemptId, pbx);
      expect(report.verdictsRebuilt).toEqual([]);
      expect(pbx.asked).toEqual([]);
    });
  });
});
