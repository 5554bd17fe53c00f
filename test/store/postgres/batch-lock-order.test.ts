import { describe, expect, it } from 'vitest';
import type { AttemptOutcome } from '../../../src/machines/attempt-types.js';
import { openPostgres } from '../../../src/store/postgres/open-postgres.js';
import { createPostgresAttemptJournal } from '../../../src/store/postgres/postgres-attempt-journal.js';
import { createPostgresLeadClaimer } from '../../../src/store/postgres/postgres-lead-claims.js';
import { CAMPAIGNS, expectCountersMatch } from '../../support/campaign-counter-truth.js';
import { useCleanup } from '../../support/cleanup.js';
import { claimRequest } from '../../support/each-dialing-store.js';
import { createPostgresDatabase, postgresAvailable } from '../../support/postgres.js';
import {
  NO_FACTS,
  sampleFinalCommit,
  sampleLeads,
  seedStore,
  T0,
} from '../../support/store-fixtures.js';

/** Rounds of claims and ends; each node claims and ends 2 leads of each campaign per round. */
const ROUNDS = 25;
const PER_CAMPAIGN = 2;
const LEADS_PER_CAMPAIGN = ROUNDS * PER_CAMPAIGN * 2;
/** Two outcomes, ended in opposite orders by the two nodes: two counter rows per campaign. */
const OUTCOMES: readonly AttemptOutcome[] = ['busy', 'no_answer'];

/**
 * Two nodes (a pool each) on one PostgreSQL database, each sending its group commit
 * batches that claim and end calls of two campaigns, the one node in the order A, B and
 * the other in B, A, with the outcomes in opposite orders too. Unit by unit, the claims
 * lock the campaigns' rows and the ends their counter rows in those orders: without one
 * lock order across transactions, the two batches of a round wait on each other.
 */
describe.skipIf(!postgresAvailable())('PostgreSQL group commits of two nodes', () => {
  const later = useCleanup();

  it('lock the campaigns they touch in one order: no deadlock, counters exact', async () => {
    const database = await createPostgresDatabase();
    later(() => database.drop());
    const races: unknown[] = [];
    const openNode = (nodeId: string) => {
      const store = openPostgres({ url: database.url, maxConnections: 4 });
      later(() => store.close());
      const journal = createPostgresAttemptJournal(store.db, nodeId, {
        onLockRace: (race) => races.push(race),
      });
      return { nodeId, db: store.db, journal, claimer: createPostgresLeadClaimer(journal) };
    };
    type Node = ReturnType<typeof openNode>;
    const a = openNode('node-a');
    const b = openNode('node-b');
    await seedStore(a, {
      campaigns: CAMPAIGNS.map((id) => ({
        id,
        status: 'running' as const,
        maxConcurrent: 1_000,
        minIntervalMs: 0,
      })),
      leads: CAMPAIGNS.flatMap((id, index) =>
        sampleLeads(id, LEADS_PER_CAMPAIGN, 1 + index * LEADS_PER_CAMPAIGN),
      ),
    });

    const claimOf = (node: Node, campaignId: string, at: number) =>
      node.claimer
        .claimNextLead(claimRequest(node, campaignId, at))
        .then((result) => (result.ok ? result.attempt : null));
    /** The campaigns in the node's order, each as often as the node claims from it. */
    const orderOf = (node: Node) => {
      const order = CAMPAIGNS.flatMap((id) => Array<string>(PER_CAMPAIGN).fill(id));
      return node === a ? order : order.reverse();
    };

    let round = 0;
    // Stops at the first race: a deadlock costs PostgreSQL's deadlock_timeout (1 s).
    for (; round < ROUNDS && races.length === 0; round += 1) {
      const at = T0 + round * 1_000;
      // Each node's claims are queued in one turn of the event loop: one batch per node,
      // both in flight together.
      const claimed = await Promise.all(
        [a, b].map((node) =>
          Promise.all(orderOf(node).map((campaignId) => claimOf(node, campaignId, at))),
        ),
      );
      await Promise.all(
        [a, b].map((node, n) => {
          const mine = claimed[n] ?? [];
          return Promise.all(
            mine.map((attempt, index) => {
              if (attempt === null) throw new Error(`${node.nodeId}: a claim found no lead`);
              const outcome = OUTCOMES[(index + n) % OUTCOMES.length] as AttemptOutcome;
              const endedAt = at + 500;
              return node.journal.commit(
                sampleFinalCommit(attempt, 1, {
                  at: endedAt,
                  cause: 16,
                  facts: { ...NO_FACTS, endedAt, outcome },
                  lead: {
                    leadId: attempt.leadId,
                    outcome,
                    error: null,
                    next: { state: 'completed', nextAttemptAt: null },
                  },
                }),
              );
            }),
          );
        }),
      );
    }

    expect(races, `lock races, stopped after ${round} rounds`).toEqual([]);
    expect(round).toBe(ROUNDS);
    const ended = await a.db
      .selectFrom('attempt')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('done', '=', 1)
      .executeTakeFirstOrThrow();
    expect(Number(ended.n)).toBe(ROUNDS * 2 * CAMPAIGNS.length * PER_CAMPAIGN);
    await expectCountersMatch(a.db, T0);
  }, 60_000);
});
