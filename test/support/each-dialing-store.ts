import type { Kysely } from 'kysely';
import type {
  AttemptJournal,
  DialingStore,
  LeadClaimRequest,
  LeadRecoveryStore,
  NewAttempt,
} from '../../src/calls/ports.js';
import { NO_FREQUENCY_CAPS } from '../../src/campaign/frequency-caps.js';
import { createDialingStore } from '../../src/store/dialing-store.js';
import {
  type CreateAttemptResult,
  createAttemptJournal,
} from '../../src/store/journal/attempt-journal.js';
import { createLeadClaimer, type LeadClaimer } from '../../src/store/lead-claims.js';
import { createLeadRecoveryStore } from '../../src/store/lead-recovery-store.js';
import { openPostgres } from '../../src/store/postgres/open-postgres.js';
import { createPostgresAttemptJournal } from '../../src/store/postgres/postgres-attempt-journal.js';
import { createPostgresLeadClaimer } from '../../src/store/postgres/postgres-lead-claims.js';
import type { Database } from '../../src/store/schema.js';
import { openDatabase } from '../../src/store/sqlite/db.js';
import { describeOnDialect } from './each-store.js';
import { createPostgresDatabase } from './postgres.js';
import {
  createTempDir,
  openMigratedStore,
  type StoreSeed,
  sampleNewAttempt,
  seedStore,
} from './store-fixtures.js';

/** One dialstate node's hot path over the database: its own connection (or pool). */
export interface DialingNode {
  readonly nodeId: string;
  readonly db: Kysely<Database>;
  readonly journal: AttemptJournal & {
    createAttempt(attempt: NewAttempt): Promise<CreateAttemptResult>;
  };
  readonly claimer: LeadClaimer;
  readonly dialing: DialingStore;
  readonly leadRecovery: LeadRecoveryStore;
}

/** A fresh migrated database of one dialect, as a hot-path contract test sees it. */
export interface DialingStoreUnderTest {
  readonly dialect: 'sqlite' | 'postgres';
  /** The first node, `node-a`, opened for every test. */
  readonly node: DialingNode;
  /** Another node on the same database, over a connection of its own. */
  openNode(nodeId: string): Promise<DialingNode>;
  seed(seed: StoreSeed): Promise<void>;
}

interface Opened {
  openNode(nodeId: string): Promise<DialingNode>;
  remove(): Promise<void>;
}

/** Opens nodes over one database, closing each with the database. */
function nodeOpener(
  open: (nodeId: string) => Promise<{ node: DialingNode; close(): Promise<void> }>,
) {
  const closers: (() => Promise<void>)[] = [];
  return {
    async openNode(nodeId: string) {
      const { node, close } = await open(nodeId);
      closers.push(close);
      return node;
    },
    async closeAll() {
      for (const close of closers.splice(0)) await close();
    },
  };
}

async function openSqlite(): Promise<Opened> {
  const dir = createTempDir();
  // Migrated once; each node then opens the file as a process of its own would.
  await (await openMigratedStore(dir)).close();
  const nodes = nodeOpener(async (nodeId) => {
    const store = openDatabase({ path: `${dir.path}/dialstate.db` });
    const journal = createAttemptJournal(store);
    const claimer = createLeadClaimer(journal);
    const node: DialingNode = {
      nodeId,
      db: store.db,
      journal,
      claimer,
      dialing: createDialingStore(store.db, claimer),
      leadRecovery: createLeadRecoveryStore(store.db),
    };
    return { node, close: () => store.close() };
  });
  return {
    openNode: nodes.openNode,
    async remove() {
      await nodes.closeAll();
      dir.remove();
    },
  };
}

async function openPostgresNodes(): Promise<Opened> {
  const database = await createPostgresDatabase();
  const nodes = nodeOpener(async (nodeId) => {
    const postgres = openPostgres({ url: database.url, maxConnections: 4 });
    const journal = createPostgresAttemptJournal(postgres.db, nodeId);
    const claimer = createPostgresLeadClaimer(journal);
    const node: DialingNode = {
      nodeId,
      db: postgres.db,
      journal,
      claimer,
      dialing: createDialingStore(postgres.db, claimer),
      leadRecovery: createLeadRecoveryStore(postgres.db),
    };
    return { node, close: () => postgres.close() };
  });
  return {
    openNode: nodes.openNode,
    async remove() {
      await nodes.closeAll();
      await database.drop();
    },
  };
}

const OPENERS = { sqlite: openSqlite, postgres: openPostgresNodes } as const;

/**
 * The hot path's contract (journal, claims, lead recovery): `body` declares its tests
 * once, and they run on a fresh SQLite file and on a fresh PostgreSQL database each
 * (PostgreSQL's skipped when this run has none; see test/support/postgres.ts).
 */
export function describeEachDialingStore(
  name: string,
  body: (store: () => DialingStoreUnderTest) => void,
): void {
  for (const dialect of ['sqlite', 'postgres'] as const) describeDialingStore(dialect, name, body);
}

/** The same on one dialect only: for what only that dialect promises (nodes sharing one database). */
export function describeDialingStore(
  dialect: DialingStoreUnderTest['dialect'],
  name: string,
  body: (store: () => DialingStoreUnderTest) => void,
): void {
  describeOnDialect(
    dialect,
    name,
    async () => {
      const opened = await OPENERS[dialect]();
      const node = await opened.openNode('node-a');
      const store: DialingStoreUnderTest = {
        dialect,
        node,
        openNode: opened.openNode,
        seed: (seed) => seedStore(node, seed),
      };
      return { store, remove: opened.remove };
    },
    body,
  );
}

let claimIds = 0;

/**
 * A claim of the next due lead of `campaignId` by `node` at `at`, as the scheduler asks
 * it (3 attempts, no caps), taking every lead offered with a fresh attempt of the node.
 */
export function claimRequest(
  node: Pick<DialingNode, 'nodeId'>,
  campaignId: string,
  at: number,
  overrides: Partial<LeadClaimRequest> = {},
): LeadClaimRequest {
  return {
    campaignId,
    at,
    maxAttempts: 3,
    frequencyCaps: NO_FREQUENCY_CAPS,
    consider: (lead) => {
      claimIds += 1;
      return {
        verdict: 'claim',
        attempt: sampleNewAttempt(`${node.nodeId}-${claimIds}`, campaignId, lead.id, at),
      };
    },
    ...overrides,
  };
}
