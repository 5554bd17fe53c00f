import { pino } from 'pino';
import { expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import { createAttemptRunner } from '../../src/calls/attempt-runner.js';
import { createChannelReconciler } from '../../src/calls/channel-reconciler.js';
import { recoverOrphanedLeads } from '../../src/calls/lead-recovery.js';
import { createNodeLease, squareTakenOverAttempts } from '../../src/calls/node-lease.js';
import { createPostgresNodeLeases } from '../../src/store/postgres/postgres-node-leases.js';
import { type DialingNode, describeDialingStore } from '../support/each-dialing-store.js';
import { FakeCallControl } from '../support/fake-call-control.js';
import { sampleLeads, sampleNewAttempt, T0 } from '../support/store-fixtures.js';
import { until } from '../support/until.js';

const C = 'campaign-1';
const LEASE_MS = 15_000;
const silent = pino({ level: 'silent' });

/** A node's engine: the real runner over its journal, with a call control that records. */
function engineOf(node: DialingNode, clock: SimulatedClock) {
  const callControl = new FakeCallControl();
  const runner = createAttemptRunner({ journal: node.journal, callControl, clock, log: silent });
  return { callControl, runner };
}

/**
 * A node that dies mid-call leaves its attempts open; once its lease has expired another
 * node takes them over and squares them with the PBX as a restart does (ADR 025).
 */
describeDialingStore('postgres', 'taking over the attempts of a dead node', (store) => {
  it('resumes the call whose channel lives and ends the one whose channel is gone', async () => {
    await store().seed({
      campaigns: [{ id: C, status: 'running', maxConcurrent: 50, minIntervalMs: 0 }],
      leads: sampleLeads(C, 2),
    });
    const clock = new SimulatedClock();
    clock.set(T0);
    const a = store().node;
    await createPostgresNodeLeases(a.db, { nodeId: a.nodeId, leaseMs: LEASE_MS }).heartbeat(T0);
    const engineA = engineOf(a, clock);
    for (const [attemptId, leadId] of [
      ['a-1', 'lead-1'],
      ['a-2', 'lead-2'],
    ] as const) {
      const created = await a.journal.createAttempt(sampleNewAttempt(attemptId, C, leadId, T0));
      if (!created.ok) throw new Error(`${leadId} was not claimed`);
      await engineA.runner.start(created.attempt);
    }
    expect(engineA.callControl.count('originate')).toBe(2);
    // Node A dies here: nothing of it runs from now on.

    const b = await store().openNode('node-b');
    const engineB = engineOf(b, clock);
    const reconciler = createChannelReconciler({
      runner: engineB.runner,
      // Asterisk still has a-1's call; a-2's channel is gone.
      channels: { listChannels: async () => [{ id: 'dialstate-a-1' }] },
      clock,
      log: silent,
    });
    // The apps adopted, and whether the reconciliation had run by then.
    const adopted: { ids: string[]; afterReconcile: boolean }[] = [];
    let reconciled = false;
    const lease = createNodeLease({
      leases: createPostgresNodeLeases(b.db, { nodeId: b.nodeId, leaseMs: LEASE_MS }),
      clock,
      log: silent,
      heartbeatMs: LEASE_MS / 3,
      squareTakenOver: (ids) =>
        squareTakenOverAttempts(
          {
            journal: b.journal,
            runner: engineB.runner,
            reconciler: {
              reconcile: async () => {
                reconciled = true;
                return reconciler.reconcile();
              },
            },
            adoptApps: async (attempts) => {
              adopted.push({
                ids: attempts.map((attempt) => attempt.attemptId).sort(),
                afterReconcile: reconciled,
              });
            },
            recoverLeads: () => recoverOrphanedLeads({ store: b.leadRecovery, clock, log: silent }),
          },
          ids,
        ),
    });

    clock.set(T0 + LEASE_MS);
    expect(await lease.beat()).toEqual({ takenOver: [] });
    clock.set(T0 + LEASE_MS + 1);
    const { takenOver } = await lease.beat();
    expect(takenOver.sort()).toEqual(['a-1', 'a-2']);
    await engineB.runner.settled();
    // Node A's app is adopted for both, before Asterisk's channels are looked at.
    expect(adopted).toEqual([{ ids: ['a-1', 'a-2'], afterReconcile: false }]);

    expect(engineB.runner.liveAttemptIds()).toEqual(['a-1']);
    expect(await b.journal.loadAttempt('a-2')).toMatchObject({ done: true });
    expect((await b.journal.loadAttempt('a-2'))?.snapshot.context).toMatchObject({
      outcome: 'interrupted',
    });
    const lead2 = await b.db
      .selectFrom('lead')
      .select(['state', 'last_outcome', 'active_attempt_id'])
      .where('id', '=', 'lead-2')
      .executeTakeFirstOrThrow();
    expect(lead2).toMatchObject({ last_outcome: 'interrupted', active_attempt_id: null });
    expect(lead2.state).not.toBe('dialing');

    // The call that lives goes on under node B: its next event is B's to commit.
    const before = (await b.journal.loadAttempt('a-1'))?.seq ?? 0;
    await engineB.runner.dispatch('a-1', { type: 'channel.hungUp', at: clock.now(), cause: 16 });
    const after = await b.journal.loadAttempt('a-1');
    expect(after?.seq).toBe(before + 1);
    expect(after?.done).toBe(true);
    await lease.stop();
    await engineB.runner.stop();
    await engineA.runner.stop();
  });

  it('renews its lease every heartbeat interval once started', async () => {
    const clock = new SimulatedClock();
    clock.set(T0);
    const b = store().node;
    const heartbeatAt = async () =>
      (
        await b.db
          .selectFrom('dialstate_node')
          .select('heartbeat_at')
          .where('node_id', '=', b.nodeId)
          .executeTakeFirst()
      )?.heartbeat_at;
    const squared: string[][] = [];
    const lease = createNodeLease({
      leases: createPostgresNodeLeases(b.db, { nodeId: b.nodeId, leaseMs: LEASE_MS }),
      clock,
      log: silent,
      heartbeatMs: 5_000,
      squareTakenOver: async (ids) => {
        squared.push(ids);
      },
    });
    // The first beat is armed by the time start() resolves.
    expect(await lease.start()).toEqual({ takenOver: [] });
    expect(await heartbeatAt()).toBe(T0);
    clock.increment(5_000);
    await until(async () => (await heartbeatAt()) === T0 + 5_000, {
      timeoutMs: 30_000,
      what: 'the second heartbeat',
    });
    expect(squared).toEqual([]);
    await lease.stop();
  });
});
