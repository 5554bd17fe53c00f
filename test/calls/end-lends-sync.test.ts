import { describe, expect, it } from 'vitest';
import { type SchedulerHarness, schedulerHarnessPerTest } from '../support/scheduler-harness.js';

/**
 * ADR 050: at one call at a time, an attempt's end and the next call's claim are made
 * durable by one fsync, the claim's: the call after an end waits for one synced commit,
 * not two in a row, and nothing outside the journal hears of the end before it is durable.
 */

const harness = schedulerHarnessPerTest();
/** Q.850 user busy: the call ends before an answer, with nothing left to do on the line. */
const BUSY = 17;

type Step =
  | { kind: 'commit'; synced: boolean }
  | { kind: 'originate'; attemptId: string }
  | { kind: 'ended'; attemptId: string };

/**
 * Notes, in order, each COMMIT on the store's connection (synced or not: the batcher
 * sets `synchronous = NORMAL` around a commit it makes without its fsync), each
 * originate sent and each attempt's end as listeners hear it.
 */
function recordSteps(x: SchedulerHarness): Step[] {
  const steps: Step[] = [];
  const { store, callControl, runner } = x;
  const prepare = store.prepare;
  let synced = true;
  store.prepare = (text) => {
    if (text === 'pragma synchronous = NORMAL') synced = false;
    if (text === 'pragma synchronous = FULL') synced = true;
    if (text === 'commit') steps.push({ kind: 'commit', synced });
    return prepare(text);
  };
  const originate = callControl.originate;
  callControl.originate = (params) => {
    steps.push({ kind: 'originate', attemptId: params.channelId });
    return originate(params);
  };
  runner.onTransition((transition) => {
    if (transition.done) steps.push({ kind: 'ended', attemptId: transition.attemptId });
  });
  return steps;
}

async function channelOf(x: SchedulerHarness, attemptId: string): Promise<string> {
  const stored = await x.journal.loadAttempt(attemptId);
  if (!stored) throw new Error(`no attempt ${attemptId}`);
  return stored.input.channelId;
}

describe('an end lends its sync to the next claim (ADR 050)', () => {
  it('makes the end and the next claim durable with one synced commit, before the next originate and before the end is told', async () => {
    const x = await harness({
      campaign: { maxConcurrent: 1 },
      leads: 3,
      // However slow the machine, the end waits for the claim's commit.
      journalOptions: { lentSyncWaitMs: 60_000 },
    });
    const steps = recordSteps(x);
    x.scheduler.start();
    await x.quiet();
    expect(x.originates()).toBe(1);

    const [first] = await x.openAttempts();
    if (!first) throw new Error('nothing live');
    const firstChannel = await channelOf(x, first.attemptId);
    steps.length = 0;
    await x.hangUp(first.attemptId, BUSY);

    const [second] = await x.openAttempts();
    if (!second) throw new Error('the next lead was not claimed');
    expect(steps).toEqual([
      // The end, written without its fsync…
      { kind: 'commit', synced: false },
      // …the next claim with its first step: the one fsync, for both.
      { kind: 'commit', synced: true },
      { kind: 'originate', attemptId: await channelOf(x, second.attemptId) },
      { kind: 'ended', attemptId: first.attemptId },
    ]);
    expect(firstChannel).not.toBe(await channelOf(x, second.attemptId));
    expect((await x.journal.loadAttempt(first.attemptId))?.done).toBe(true);
  });

  it('syncs the last end itself when no call follows it, and tells it once durable', async () => {
    const x = await harness({
      campaign: { maxConcurrent: 1 },
      leads: 1,
      journalOptions: { lentSyncWaitMs: 60_000 },
    });
    const steps = recordSteps(x);
    x.scheduler.start();
    await x.quiet();
    const [only] = await x.openAttempts();
    if (!only) throw new Error('nothing live');
    steps.length = 0;
    await x.hangUp(only.attemptId, BUSY);

    // Written unsynced, then synced by an fsync of its own (no commit of its own):
    // whatever else commits (the campaign completing) comes after the end is told or
    // syncs the WAL itself.
    expect(steps[0]).toEqual({ kind: 'commit', synced: false });
    expect(steps.filter((step) => step.kind === 'ended')).toEqual([
      { kind: 'ended', attemptId: only.attemptId },
    ]);
    expect(steps.some((step) => step.kind === 'originate')).toBe(false);
    expect(await x.openAttempts()).toEqual([]);
    const lead = await x.leads.get(only.leadId);
    expect(lead?.state).toBe('pending');
  });

  it('still pauses a campaign after exactly as many failed calls in a row as its threshold', async () => {
    const x = await harness({
      campaign: { maxConcurrent: 1 },
      leads: 8,
      journalOptions: { lentSyncWaitMs: 60_000 },
    });
    // The originate's failure ends the call with nothing left to do on the line: its end
    // is told as written, and the breaker must count it before the next claim.
    for (let i = 0; i < 6; i += 1) x.callControl.failNext('originate', 400, 'Allocation failed');
    x.scheduler.start();
    await x.quiet();

    expect(x.originates()).toBe(5);
    expect((await x.campaigns.get('campaign-reminders'))?.status).toBe('paused');
  });
});
