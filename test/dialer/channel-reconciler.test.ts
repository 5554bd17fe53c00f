import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createChannelReconciler } from '../../src/dialer/channel-reconciler.js';
import type { ChannelDirectory } from '../../src/dialer/ports.js';
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

    expect(report).toEqual({ checked: 2, lost: [gone] });
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

    expect(await reconciler.reconcile()).toEqual({ checked: 1, lost: [] });
    expect(h.runner.isLive(started)).toBe(true);
  });

  it('marks nothing when the channels cannot be listed, and runs one reconciliation at a time', async () => {
    const h = await harness();
    const id = await h.launch(1);
    let fail = true;
    let running = 0;
    let overlapped = false;
    const channels = directory(async () => {
      running += 1;
      overlapped ||= running > 1;
      await new Promise((resolve) => setTimeout(resolve, 5));
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
    const [first, second] = await Promise.all([reconciler.reconcile(), reconciler.reconcile()]);
    expect(first.lost).toEqual([id]);
    expect(second).toEqual({ checked: 0, lost: [] });
    expect(overlapped).toBe(false);
    expect(channels.calls).toBe(3);
  });
});
