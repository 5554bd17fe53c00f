import type { Logger } from 'pino';
import {
  createNodeLease,
  type NodeLease,
  type NodeLeaseStore,
  squareTakenOverAttempts,
  type TakeoverSquaringDeps,
} from '../calls/node-lease.js';
import type { Clock } from '../calls/ports.js';

/** Beats per lease: three, so one late beat costs nothing. */
const BEATS_PER_LEASE = 3;

/**
 * Several nodes on one database (PostgreSQL): takes this node's lease, and the open
 * attempts of nodes whose lease expired, before the start resumes its own; then beats
 * every few seconds, squaring what it takes over with the PBX as a restart does.
 * Nothing on a database one node has to itself (SQLite): `leases` is null there.
 */
export async function startNodeLease(
  deps: TakeoverSquaringDeps & {
    leases: NodeLeaseStore | null;
    /** How long a heartbeat keeps this node alive (ms; `DIALSTATE_NODE_LEASE_MS`). */
    leaseMs: number;
    clock: Clock;
    log: Logger;
  },
): Promise<NodeLease | null> {
  const { leases, clock, log } = deps;
  if (leases === null) return null;
  const lease = createNodeLease({
    leases,
    clock,
    log: log.child({ component: 'node-lease', nodeId: leases.nodeId }),
    heartbeatMs: Math.floor(deps.leaseMs / BEATS_PER_LEASE),
    squareTakenOver: (attemptIds) => squareTakenOverAttempts(deps, attemptIds),
  });
  const { takenOver } = await lease.start();
  log.info({ nodeId: leases.nodeId, takenOver: takenOver.length }, 'node lease taken');
  return lease;
}
