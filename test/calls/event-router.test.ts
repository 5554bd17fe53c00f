import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createChannelReconciler } from '../../src/calls/channel-reconciler.js';
import { createEventRouter } from '../../src/calls/event-router.js';
import type { AttemptEventDelivery, AttemptEventSource } from '../../src/calls/ports.js';
import { createHarness, type Harness } from '../support/harness.js';

const open: Harness[] = [];
afterEach(async () => {
  while (open.length > 0) await open.pop()?.close();
});

/** An event source the test drives by hand, like the gateway would. */
function fakeSource() {
  const events = new Set<(delivery: AttemptEventDelivery) => void>();
  const reconnects = new Set<() => void | Promise<void>>();
  const losses = new Set<(loss: { reason: string; at: number }) => void>();
  const source: AttemptEventSource & {
    emit(delivery: AttemptEventDelivery): void;
    reconnected(): Promise<void>;
    lost(reason: string, at: number): void;
    listeners(): number;
  } = {
    onEvent(listener) {
      events.add(listener);
      return () => events.delete(listener);
    },
    onReconnected(listener) {
      reconnects.add(listener);
      return () => reconnects.delete(listener);
    },
    onConnectionLost(listener) {
      losses.add(listener);
      return () => losses.delete(listener);
    },
    lost(reason, at) {
      for (const listener of losses) listener({ reason, at });
    },
    emit(delivery) {
      for (const listener of events) listener(delivery);
    },
    async reconnected() {
      await Promise.all([...reconnects].map((listener) => listener()));
    },
    listeners: () => events.size + reconnects.size + losses.size,
  };
  return source;
}

async function setup(channelIds: string[] = []) {
  const h = await createHarness({ leads: 2 });
  open.push(h);
  const source = fakeSource();
  const log = pino({ level: 'silent' });
  const reconciler = createChannelReconciler({
    runner: h.runner,
    channels: { listChannels: async () => channelIds.map((id) => ({ id })) },
    clock: h.clock,
    log,
  });
  const router = createEventRouter({ source, runner: h.runner, reconciler, log });
  return { h, source, router };
}

describe('createEventRouter', () => {
  it('dispatches each delivered event to its attempt, in order', async () => {
    const { h, source } = await setup();
    const id = await h.launch(1);
    const at = h.clock.now();
    source.emit({ attemptId: id, event: { type: 'dial.statusChanged', at, dialStatus: 'BUSY' } });
    source.emit({ attemptId: id, event: { type: 'farEnd.hungUp', at, cause: 17 } });
    source.emit({ attemptId: id, event: { type: 'channel.hungUp', at, cause: 0 } });
    // An event for an attempt this runner does not have is ignored.
    source.emit({ attemptId: 'not-ours', event: { type: 'channel.ringing', at } });
    await h.runner.settled();

    const entries = await h.journal.loadEntries(id);
    expect(entries.map((e) => e.event.type)).toEqual([
      'attempt.started',
      'dial.statusChanged',
      'farEnd.hungUp',
      'channel.hungUp',
    ]);
    expect(await h.lead(1)).toMatchObject({ lastOutcome: 'busy' });
  });

  it('reconciles after a reconnect: an attempt whose channel is gone ends interrupted', async () => {
    const { h, source } = await setup(['dialstate-attempt-2-1']);
    const gone = await h.launch(1);
    const kept = await h.launch(2);
    await source.reconnected();
    await h.runner.settled();

    expect(h.runner.isLive(gone)).toBe(false);
    expect(h.runner.isLive(kept)).toBe(true);
    expect(await h.lead(1)).toMatchObject({ lastOutcome: 'interrupted' });
  });

  it('tells every live attempt that the PBX went away: a cut with cause 0 ends interrupted, not abandoned', async () => {
    const { h, source } = await setup();
    const cut = await h.launch(1);
    const ringing = await h.launch(2);
    const at = h.clock.now();
    // The PBX hangs the answered call up with cause 0, then its websocket closes.
    source.emit({ attemptId: cut, event: { type: 'channel.answered', at } });
    source.emit({ attemptId: cut, event: { type: 'channel.leftStasis', at } });
    source.emit({ attemptId: cut, event: { type: 'channel.hangupRequested', at, cause: 0 } });
    source.emit({ attemptId: cut, event: { type: 'channel.hungUp', at, cause: 0 } });
    source.lost('websocket closed', at + 5);
    await h.runner.settled();

    expect(h.runner.isLive(cut)).toBe(false);
    const lead = await h.lead(1);
    expect(lead).toMatchObject({ lastOutcome: 'interrupted', state: 'pending' });
    expect(lead?.lastError).toBe('PBX restarted or unreachable');
    // A call still ringing only hears of it; the reconcile after the reconnect squares it.
    expect(h.runner.isLive(ringing)).toBe(true);
    const ringingEntries = await h.journal.loadEntries(ringing);
    expect(ringingEntries.at(-1)?.event).toMatchObject({
      type: 'pbx.lost',
      reason: 'websocket closed',
    });
  });

  it('keeps the events of an attempt not yet resumed after a restart, and delivers them in order once it is', async () => {
    const { h } = await setup();
    const id = await h.launch(1);
    // The process dies; the next one listens to the PBX before it restores open attempts.
    const next = await createHarness({ leads: 2, dir: h.dir, seed: false, now: h.clock.now() });
    open.push(next);
    const source = fakeSource();
    const log = pino({ level: 'silent' });
    const reconciler = createChannelReconciler({
      runner: next.runner,
      channels: { listChannels: async () => [{ id: `dialstate-${id}` }] },
      clock: next.clock,
      log,
    });
    createEventRouter({ source, runner: next.runner, reconciler, log });
    const at = next.clock.now();
    source.emit({ attemptId: id, event: { type: 'dial.statusChanged', at, dialStatus: 'BUSY' } });
    source.emit({ attemptId: id, event: { type: 'farEnd.hungUp', at, cause: 17 } });
    source.emit({ attemptId: 'not-ours', event: { type: 'channel.ringing', at } });
    source.lost('websocket closed', at + 1);
    await next.runner.settled();
    expect((await next.journal.loadEntries(id)).map((e) => e.event.type)).toEqual([
      'attempt.started',
    ]);

    await next.runner.resumeOpenAttempts();
    // Delivered as they came, ahead of an event that comes after the resume.
    source.emit({ attemptId: id, event: { type: 'channel.hungUp', at: at + 2, cause: 0 } });
    await next.runner.settled();
    const entries = await next.journal.loadEntries(id);
    expect(entries.map((e) => e.event.type)).toEqual([
      'attempt.started',
      'dial.statusChanged',
      'farEnd.hungUp',
      'pbx.lost',
      'channel.hungUp',
    ]);
    expect(next.runner.isLive(id)).toBe(false);
    expect(await next.lead(1)).toMatchObject({ lastOutcome: 'busy' });
    expect(next.runner.isLive('not-ours')).toBe(false);
  });

  it('delivers at once once the runner has resumed, and drops what it does not hold', async () => {
    const { h, source } = await setup();
    await h.runner.resumeOpenAttempts();
    source.emit({ attemptId: 'not-ours', event: { type: 'channel.ringing', at: h.clock.now() } });
    const id = await h.launch(1);
    source.emit({
      attemptId: id,
      event: { type: 'dial.statusChanged', at: h.clock.now(), dialStatus: 'BUSY' },
    });
    await h.runner.settled();
    expect((await h.journal.loadEntries(id)).map((e) => e.event.type)).toEqual([
      'attempt.started',
      'dial.statusChanged',
    ]);
  });

  it('stops listening when stopped', async () => {
    const { source, router } = await setup();
    expect(source.listeners()).toBe(3);
    router.stop();
    expect(source.listeners()).toBe(0);
  });
});
