import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { AttemptTransition } from '../../src/calls/attempt-runner.js';
import { replayAttempt } from '../../src/machines/attempt-replay.js';
import { createHarness, type Harness } from '../support/harness.js';

const open: Harness[] = [];
async function harness(options: Parameters<typeof createHarness>[0] = {}): Promise<Harness> {
  const h = await createHarness(options);
  open.push(h);
  return h;
}

afterEach(async () => {
  while (open.length > 0) await open.pop()?.close();
});

/** Drives an answered call through AMD to the consent prompt. */
async function answerAsHuman(h: Harness, attemptId: string): Promise<void> {
  await h.send(attemptId, { type: 'channel.ringing' });
  await h.send(attemptId, { type: 'dial.statusChanged', dialStatus: 'ANSWER' });
  await h.send(attemptId, { type: 'channel.answered' });
  await h.send(attemptId, { type: 'channel.leftStasis' });
  await h.send(attemptId, { type: 'amd.completed', status: 'HUMAN', cause: 'HUMAN-803-800' });
}

describe('attempt runner', () => {
  it('journals every event, executes commands in order after commit and completes the lead', async () => {
    const h = await harness();
    const transitions: AttemptTransition[] = [];
    h.runner.onTransition((t) => transitions.push(t));
    const id = await h.launch(1);
    await answerAsHuman(h, id);
    await h.send(id, { type: 'playback.finished', playbackId: `${id}-consent`, state: 'done' });
    await h.send(id, { type: 'dtmf.received', digit: '1' });
    await h.send(id, { type: 'channel.leftStasis' });
    // The hand-off is confirmed once the call is seen in the target context and is still
    // up when the settle time (a persisted timer) has passed.
    await h.send(id, {
      type: 'channel.dialplanEntered',
      context: 'ai-agent',
      extension: 's',
      priority: 1,
      app: 'NoOp',
    });
    await h.advance(42_000);
    await h.send(id, { type: 'channel.hungUp', cause: 16 });

    expect(h.callControl.typesFor(`dialstate-${id}`)).toEqual([
      'originate',
      'continueToAmd',
      'play',
      'handOff',
    ]);
    const entries = await h.journal.loadEntries(id);
    const seqs = Array.from({ length: 12 }, (_, i) => i + 1);
    expect(entries.map((e) => e.seq)).toEqual(seqs);
    expect(entries.map((e) => e.event.type).slice(-3)).toEqual([
      'channel.dialplanEntered',
      'timer.fired',
      'channel.hungUp',
    ]);
    expect(entries.map((e) => e.state).at(-1)).toBe('done');
    expect(transitions.map((t) => t.seq)).toEqual(seqs);
    expect(transitions.at(-1)).toMatchObject({ done: true, outcome: 'answered_human' });

    const attempt = await h.journal.loadAttempt(id);
    expect(attempt?.done).toBe(true);
    expect(attempt?.snapshot.context).toMatchObject({
      outcome: 'answered_human',
      amdStatus: 'HUMAN',
      digits: '1',
    });
    const facts = attempt?.snapshot.context;
    expect((facts?.endedAt ?? 0) - (facts?.handedOffAt ?? 0)).toBe(42_000);
    expect(await h.lead(1)).toMatchObject({
      state: 'completed',
      lastOutcome: 'answered_human',
      activeAttemptId: null,
      attempts: 1,
    });
    expect(h.runner.isLive(id)).toBe(false);
  });

  it('logs each transition at info, and builds no log line above it', async () => {
    const lines: Record<string, unknown>[] = [];
    const written = pino(
      { level: 'info' },
      { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) },
    );
    const h = await harness({ log: written });
    const id = await h.launch(1);
    await h.send(id, { type: 'channel.hungUp', cause: 16 });
    expect(lines.filter((line) => line.msg === 'attempt transition')).toMatchObject([
      { attemptId: id, seq: 1, event: 'attempt.started', commands: ['originate'] },
      { attemptId: id, seq: 2, event: 'channel.hungUp', state: 'done', outcome: 'failed' },
    ]);

    // Above info, the runner asks before building the line: info is never called.
    const quiet = pino({ level: 'warn' });
    let infoCalls = 0;
    const counting = new Proxy(quiet, {
      get(target, key, receiver) {
        if (key !== 'child') return Reflect.get(target, key, receiver);
        return (bindings: Record<string, unknown>) => {
          const child = target.child(bindings);
          const info = child.info.bind(child);
          child.info = ((...args: Parameters<typeof info>) => {
            infoCalls += 1;
            return info(...args);
          }) as typeof child.info;
          return child;
        };
      },
    });
    const q = await harness({ log: counting });
    const quietId = await q.launch(1);
    await q.send(quietId, { type: 'channel.hungUp', cause: 16 });
    expect((await q.journal.loadAttempt(quietId))?.done).toBe(true);
    expect(infoCalls).toBe(0);
  });

  it('records exactly what replay reproduces', async () => {
    const h = await harness();
    const id = await h.launch(1);
    await answerAsHuman(h, id);
    await h.send(id, { type: 'dtmf.received', digit: '2' });
    await h.send(id, { type: 'channel.hungUp', cause: 16 });

    const attempt = await h.journal.loadAttempt(id);
    const entries = await h.journal.loadEntries(id);
    if (!attempt) throw new Error('attempt missing');
    const replay = replayAttempt({
      machineVersion: attempt.machineVersion,
      input: attempt.input,
      entries,
    });
    expect(replay.snapshot).toEqual(attempt.snapshot);
    expect(attempt.snapshot.context.outcome).toBe('consent_denied');
  });

  it('fires a persisted ring timer, hangs up and schedules the retry', async () => {
    const h = await harness();
    const id = await h.launch(2);
    await h.send(id, { type: 'channel.ringing' });
    await h.advance(34_999);
    expect(h.callControl.count('hangUp')).toBe(0);
    await h.advance(1);
    expect(h.callControl.count('hangUp')).toBe(1);
    await h.send(id, { type: 'channel.hungUp', cause: 16 });

    const entries = await h.journal.loadEntries(id);
    expect(entries.find((e) => e.event.type === 'timer.fired')?.event).toEqual({
      type: 'timer.fired',
      timerId: 'xstate.after.ringTimeout.attempt.dialing',
      at: h.clock.now(),
    });
    const lead = await h.lead(2);
    expect(lead).toMatchObject({ state: 'pending', lastOutcome: 'no_answer' });
    // Default policy: no answer comes back after 60 minutes.
    expect(lead.nextAttemptAt).toBe(h.clock.now() + 60 * 60_000);
  });

  it('turns a refused command into a journaled command.failed event', async () => {
    const h = await harness();
    h.callControl.failNext('originate', 400, 'Allocation failed');
    const id = await h.launch(1);

    const entries = await h.journal.loadEntries(id);
    expect(entries.map((e) => e.event.type)).toEqual(['attempt.started', 'command.failed']);
    expect(entries[1]?.event).toMatchObject({ command: 'originate', status: 400 });
    expect(await h.lead(1)).toMatchObject({ state: 'failed', lastOutcome: 'failed' });
    expect((await h.lead(1)).lastError).toContain('Allocation failed');
  });

  it('interrupts, rather than fails, an attempt whose originate the PBX could not take for now (5xx)', async () => {
    const h = await harness();
    h.callControl.failNext('originate', 503, 'Service Unavailable');
    const id = await h.launch(1);

    const entries = await h.journal.loadEntries(id);
    expect(entries[1]?.event).toMatchObject({ command: 'originate', status: 503 });
    // Interrupted calls come back under the default policy: the lead is not lost.
    expect(await h.lead(1)).toMatchObject({ state: 'pending', lastOutcome: 'interrupted' });
    expect((await h.lead(1)).lastError).toContain('HTTP 503');
  });

  it('processes the events of one attempt strictly in dispatch order', async () => {
    const h = await harness();
    const id = await h.launch(1);
    const at = h.clock.now();
    // Dispatched back to back without waiting, as a burst of ARI events would be.
    await Promise.all([
      h.runner.dispatch(id, { type: 'channel.ringing', at }),
      h.runner.dispatch(id, { type: 'dial.statusChanged', at, dialStatus: 'BUSY' }),
      h.runner.dispatch(id, { type: 'farEnd.hungUp', at, cause: 17 }),
      h.runner.dispatch(id, { type: 'channel.hungUp', at, cause: 0 }),
    ]);
    await h.runner.settled();
    const entries = await h.journal.loadEntries(id);
    expect(entries.map((e) => e.event.type)).toEqual([
      'attempt.started',
      'channel.ringing',
      'dial.statusChanged',
      'farEnd.hungUp',
      'channel.hungUp',
    ]);
    expect(await h.lead(1)).toMatchObject({ state: 'pending', lastOutcome: 'busy' });
  });

  it('ignores events for attempts that are over or unknown', async () => {
    const h = await harness();
    const id = await h.launch(1);
    await h.send(id, { type: 'channel.hungUp', cause: 17 });
    await h.send(id, { type: 'channel.hungUp', cause: 16 });
    await h.send('no-such-attempt', { type: 'channel.ringing' });
    expect(h.runner.isLive(id)).toBe(false);
    expect((await h.journal.loadEntries(id)).length).toBe(2);
  });

  it('cancels a ringing call on operator request and cancels the lead', async () => {
    const h = await harness();
    const id = await h.launch(3);
    await h.send(id, { type: 'channel.ringing' });
    expect(await h.runner.cancel(id)).toBe(true);
    await h.runner.settled();
    expect(h.callControl.typesFor(`dialstate-${id}`)).toEqual(['originate', 'hangUp']);
    await h.send(id, { type: 'channel.hungUp', cause: 16 });
    expect(await h.lead(3)).toMatchObject({ state: 'canceled', lastOutcome: 'canceled' });
    expect(await h.runner.cancel(id)).toBe(false);
  });
});

describe('attempt runner after a crash', () => {
  /** The consent-timeout story, with an optional crash while the callee is asked. */
  async function consentTimeoutStory(crash: boolean) {
    let h = await harness();
    const id = await h.launch(1);
    await answerAsHuman(h, id);
    await h.send(id, { type: 'playback.finished', playbackId: `${id}-consent`, state: 'done' });
    await h.advance(3_000);
    if (crash) {
      h = await h.crashAndRestart();
      open.push(h);
    }
    await h.advance(5_000);
    await h.send(id, { type: 'channel.hungUp', cause: 16 });
    return { h, id, entries: await h.journal.loadEntries(id), lead: await h.lead(1) };
  }

  it('restores the snapshot and timers and reaches the same outcome as without the crash', async () => {
    const reference = await consentTimeoutStory(false);
    const crashed = await consentTimeoutStory(true);

    expect(crashed.lead).toMatchObject({ state: 'completed', lastOutcome: 'consent_timeout' });
    expect(crashed.entries).toEqual(reference.entries);
    expect(crashed.h.callControl.typesFor(`dialstate-${crashed.id}`)).toEqual(['hangUp']);
    // The originate was sent once, by the first process; the restored one never dials.
    expect(crashed.h.callControl.count('originate')).toBe(0);
  });

  it('fires a timer that fell due while the process was down as soon as it resumes', async () => {
    const h = await harness();
    const id = await h.launch(1);
    await answerAsHuman(h, id);
    await h.send(id, { type: 'playback.finished', playbackId: `${id}-consent`, state: 'done' });
    const resumed = await h.crashAndRestart({ downForMs: 60_000 });
    open.push(resumed);
    await resumed.advance(0);

    const last = (await resumed.journal.loadEntries(id)).at(-1);
    expect(last?.event).toEqual({
      type: 'timer.fired',
      timerId: 'xstate.after.consentTimeout.attempt.askingConsent.listening',
      at: resumed.clock.now(),
    });
    expect(resumed.callControl.typesFor(`dialstate-${id}`)).toEqual(['hangUp']);
  });

  it('holds the timers of resumed attempts until they are reconciled and resumed', async () => {
    const h = await harness();
    const id = await h.launch(1);
    await h.send(id, { type: 'channel.ringing' });
    await h.store.close();
    const restarted = await createHarness({ dir: h.dir, seed: false, now: h.clock.now() + 60_000 });
    open.push(restarted);

    await restarted.runner.resumeOpenAttempts();
    await restarted.advance(0);
    expect((await restarted.journal.loadEntries(id)).length).toBe(2);

    restarted.runner.resumeTimers();
    await restarted.advance(0);
    expect((await restarted.journal.loadEntries(id)).at(-1)?.event).toMatchObject({
      type: 'timer.fired',
      timerId: 'xstate.after.ringTimeout.attempt.dialing',
    });
    expect(restarted.callControl.typesFor(`dialstate-${id}`)).toEqual(['hangUp']);
  });
});
