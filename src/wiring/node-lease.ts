import type { Logger } from 'pino';
import {
  createNodeLease,
  type NodeLease,
  type NodeLeaseStore,
  squareTakenOverAttempts,
  type TakeoverSquaringDeps,
} from '../calls/node-lease.js';
import type { Clock } from '../calls/ports.js';

/** How long a node counts as alive after its heartbeat (ms). */
export const NODE_LEASE_MS = 15_000;
/** Time between heartbeats (ms): three fit in a lease, so one late beat costs nothing. */
const HEARTBEAT_MS = NODE_LEASE_MS / 3;

/**
 * Several nodes on one database (PostgreSQL): takes this node's lease, and the open
 * attempts of nodes whose lease expired, before the start resumes its own; then beats
 * every few seconds, squaring what it takes over with the PBX as a restart does.
 * Nothing on a database one node has to itself (SQLite): `leases` is null there.
 */
export async function startNodeLease(
  deps: TakeoverSquaringDeps & { leases: NodeLeaseStore | null; clock: Clock; log: Logger },
): Promise<NodeLease | null> {
  const { leases, clock, log } = deps;
  if (leases === null) return null;
  const lease = createNodeLease({
    leases,
    clock,
    log: log.child({ component: 'node-lease', nodeId: leases.nodeId }),
    heartbeatMs: HEARTBEAT_MS,
    squareTakenOver: (attemptIds) => squareTakenOverAttempts(deps, attemptIds),
  });
  const { takenOver } = await lease.start();
  log.info({ nodeId: leases.nodeId, takenOver: takenOver.length }, 'node lease taken');
  return lease;
}
