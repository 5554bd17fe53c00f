import { type Kysely, sql } from 'kysely';
import type { NodeLeaseStore } from '../../calls/node-lease.js';
import type { Database } from '../schema.js';

/**
 * One lock for every node's heartbeat and takeover (a transaction-scoped advisory lock,
 * key chosen once): a takeover then never reads a heartbeat that is being renewed, so a
 * node coming back just as another takes its attempts over either keeps them all (its
 * heartbeat came first) or finds them gone when it lists its own (the takeover did).
 */
const LEASE_LOCK = sql`select pg_advisory_xact_lock(7310146001)`;

/**
 * The leases of node `nodeId` on a PostgreSQL database shared by several nodes (ADR 025,
 * "Claims and leases across nodes"): its heartbeat in `dialstate_node`, and the takeover
 * of open attempts whose owner's lease has expired.
 */
export function createPostgresNodeLeases(
  db: Kysely<Database>,
  options: { nodeId: string; leaseMs: number },
): NodeLeaseStore {
  const { nodeId, leaseMs } = options;
  return {
    nodeId,
    async heartbeat(at) {
      await db.transaction().execute(async (trx) => {
        await LEASE_LOCK.execute(trx);
        await trx
          .insertInto('dialstate_node')
          .values({ node_id: nodeId, started_at: at, heartbeat_at: at, lease_ms: leaseMs })
          .onConflict((oc) =>
            oc.column('node_id').doUpdateSet({ heartbeat_at: at, lease_ms: leaseMs }),
          )
          .execute();
      });
    },

    async takeOverExpired(at) {
      return db.transaction().execute(async (trx) => {
        await LEASE_LOCK.execute(trx);
        // One statement: the attempts of every node not alive at `at` (no heartbeat
        // within its lease, or no row at all), and those of no node, become this node's.
        const rows = await trx
          .updateTable('attempt')
          .set({ owner_node: nodeId })
          .where('done', '=', 0)
          .where((eb) => eb.or([eb('owner_node', 'is', null), eb('owner_node', '!=', nodeId)]))
          .where(({ not, exists, selectFrom }) =>
            not(
              exists(
                selectFrom('dialstate_node as n')
                  .select(sql`1`.as('alive'))
                  .whereRef('n.node_id', '=', 'attempt.owner_node')
                  .where(sql<boolean>`n.heartbeat_at + n.lease_ms >= ${at}`),
              ),
            ),
          )
          .returning('id')
          .execute();
        return rows.map((row) => row.id);
      });
    },
  };
}
