import { expect, it } from 'vitest';
import { JournalConflictError, type StoredAttempt } from '../../../src/calls/ports.js';
import { createPostgresNodeLeases } from '../../../src/store/postgres/postgres-node-leases.js';
import { type DialingNode, describeDialingStore } from '../../support/each-dialing-store.js';
import { sampleCommit, sampleLeads, sampleNewAttempt, T0 } from '../../support/store-fixtures.js';

const C = 'campaign-1';
const LEASE_MS = 1_000;

describeDialingStore('postgres', 'node leases', (store) => {
  const leasesOf = (node: DialingNode) =>
    createPostgresNodeLeases(node.db, { nodeId: node.nodeId, leaseMs: LEASE_MS });

  async function claim(node: DialingNode, attemptId: string, leadId: string) {
    const created = await node.journal.createAttempt(sampleNewAttempt(attemptId, C, leadId));
    if (!created.ok) throw new Error(`${leadId} was not claimed`);
    return created.attempt;
  }
  const open = async (node: DialingNode) =>
    (await node.journal.listOpenAttempts()).map((attempt) => attempt.attemptId).sort();

  async function twoAttemptsOfNodeA(): Promise<StoredAttempt[]> {
    await store().seed({
      campaigns: [{ id: C, status: 'running', maxConcurrent: 50, minIntervalMs: 0 }],
      leads: sampleLeads(C, 4),
    });
    const a = store().node;
    await leasesOf(a).heartbeat(T0);
    return [await claim(a, 'a-1', 'lead-1'), await claim(a, 'a-2', 'lead-2')];
  }

  it("takes a dead node's open attempts over once its lease expired, never a live node's", async () => {
    const [first] = await twoAttemptsOfNodeA();
    const a = store().node;
    const b = await store().openNode('node-b');
    await leasesOf(b).heartbeat(T0);
    expect(await leasesOf(b).takeOverExpired(T0 + LEASE_MS)).toEqual([]);
    expect(await open(b)).toEqual([]);

    expect((await leasesOf(b).takeOverExpired(T0 + LEASE_MS + 1)).sort()).toEqual(['a-1', 'a-2']);
    expect(await open(b)).toEqual(['a-1', 'a-2']);
    expect(await open(a)).toEqual([]);
    // Node A, back late, may no longer write them: node B runs them now.
    const late = a.journal.commit(
      sampleCommit(first as StoredAttempt, 1, { type: 'attempt.started', at: T0 + 2_000 }),
    );
    await expect(late).rejects.toThrow(JournalConflictError);
    await expect(late).rejects.toThrow('run by node node-b');
    await b.journal.commit(
      sampleCommit(first as StoredAttempt, 1, { type: 'attempt.started', at: T0 + 2_000 }),
    );
    expect(await b.journal.loadAttempt('a-1')).toMatchObject({ seq: 1 });
  });

  it('gives each attempt of a dead node to exactly one of the nodes taking over at once', async () => {
    await twoAttemptsOfNodeA();
    const others = [await store().openNode('node-b'), await store().openNode('node-c')];
    const at = T0 + 10 * LEASE_MS;
    for (const node of others) await leasesOf(node).heartbeat(at);
    const taken = await Promise.all(others.map((node) => leasesOf(node).takeOverExpired(at)));
    expect(taken.flat().sort()).toEqual(['a-1', 'a-2']);
    const owners = await store()
      .node.db.selectFrom('attempt')
      .select(['id', 'owner_node'])
      .orderBy('id')
      .execute();
    taken.forEach((ids, index) => {
      for (const id of ids) {
        expect(owners.find((row) => row.id === id)?.owner_node).toBe(others[index]?.nodeId);
      }
    });
  });

  it('renews a lease with each heartbeat', async () => {
    await twoAttemptsOfNodeA();
    const b = await store().openNode('node-b');
    await leasesOf(store().node).heartbeat(T0 + 5 * LEASE_MS);
    expect(await leasesOf(b).takeOverExpired(T0 + 5 * LEASE_MS + 1)).toEqual([]);
    const row = await b.db
      .selectFrom('dialstate_node')
      .selectAll()
      .where('node_id', '=', 'node-a')
      .executeTakeFirstOrThrow();
    expect(row).toEqual({
      node_id: 'node-a',
      started_at: T0,
      heartbeat_at: T0 + 5 * LEASE_MS,
      lease_ms: LEASE_MS,
    });
  });
});
