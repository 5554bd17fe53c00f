import { expect, it } from 'vitest';
import {
  claimRequest,
  type DialingNode,
  describeDialingStore,
} from '../../support/each-dialing-store.js';
import { sampleLeads, T0 } from '../../support/store-fixtures.js';

const C = 'campaign-1';

/**
 * Pacing across nodes on one PostgreSQL database (ADR 025): however many claims the
 * nodes' schedulers send at the same moment, the campaign's row lock makes them take
 * turns, and each checks the shared numbers (open attempts, latest originate).
 */
describeDialingStore('postgres', 'claims from several nodes', (store) => {
  /** `count` claims from each node, all in flight together; the ids of the leads claimed. */
  async function claimAtOnce(nodes: DialingNode[], count: number, at: number): Promise<string[]> {
    const results = await Promise.all(
      nodes.flatMap((node) =>
        Array.from({ length: count }, () => node.claimer.claimNextLead(claimRequest(node, C, at))),
      ),
    );
    return results.flatMap((result) => (result.ok ? [result.lead.id] : []));
  }

  it("hold the campaign's max_concurrent together", async () => {
    await store().seed({
      campaigns: [{ id: C, status: 'running', maxConcurrent: 3, minIntervalMs: 0 }],
      leads: sampleLeads(C, 20),
    });
    const nodes = [store().node, await store().openNode('node-b')];
    expect(await claimAtOnce(nodes, 4, T0)).toHaveLength(3);
    expect(await claimAtOnce(nodes, 4, T0 + 1)).toEqual([]);
    const owners = await store()
      .node.db.selectFrom('attempt')
      .select('owner_node')
      .where('done', '=', 0)
      .execute();
    expect(owners).toHaveLength(3);
    for (const { owner_node } of owners) expect(['node-a', 'node-b']).toContain(owner_node);
  });

  it("hold the campaign's min_interval_ms together", async () => {
    await store().seed({
      campaigns: [{ id: C, status: 'running', maxConcurrent: 50, minIntervalMs: 1_000 }],
      leads: sampleLeads(C, 20),
    });
    const nodes = [store().node, await store().openNode('node-b')];
    expect(await claimAtOnce(nodes, 2, T0)).toHaveLength(1);
    expect(await claimAtOnce(nodes, 2, T0 + 999)).toHaveLength(0);
    expect(await claimAtOnce(nodes, 2, T0 + 1_000)).toHaveLength(1);
  });
});
