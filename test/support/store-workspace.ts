import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import type { StoredAttempt } from '../../src/calls/ports.js';
import type { CampaignRepository } from '../../src/control/campaign-reads.js';
import { createCampaignRepository } from '../../src/store/campaigns.js';
import {
  createAttemptJournal,
  type SqliteAttemptJournal,
} from '../../src/store/journal/attempt-journal.js';
import { createLeadRepository, type LeadRepository } from '../../src/store/leads.js';
import type { Store } from '../../src/store/sqlite/db.js';
import {
  openMigratedStore,
  openSeededStore,
  type StoreSeed,
  sampleNewAttempt,
  T0,
  type TempDir,
} from './store-fixtures.js';

/**
 * A temp dir of its own with a migrated database file, seeded, and the path of a media
 * folder inside it. `store` is the connection open now: `reopen` replaces it.
 */
export interface StoreWorkspace {
  readonly dir: TempDir;
  readonly store: Store;
  /** The repositories most tests read and write through, over the connection open now. */
  readonly campaigns: CampaignRepository;
  readonly leads: LeadRepository;
  readonly journal: SqliteAttemptJournal;
  /** `<dir>/media`, not created: the library creates it when it first writes. */
  readonly mediaDir: string;
  /** Claims a lead for a new attempt in its initial state, as the dialer does; throws if refused. */
  claim(attemptId: string, campaignId: string, leadId: string, at?: number): Promise<StoredAttempt>;
  /** Closes the connection (if still open) and opens the same file again, as a restart does. */
  reopen(): Promise<Store>;
}

type Repositories = Pick<StoreWorkspace, 'campaigns' | 'leads' | 'journal'>;

/**
 * Gives each test of the calling file a fresh workspace seeded with `seed`, and removes it
 * afterwards. Read `store` inside the tests: it is set in a beforeEach hook.
 */
export function useStoreWorkspace(seed: StoreSeed = {}): StoreWorkspace {
  let current: { dir: TempDir; store: Store; repositories?: Repositories } | undefined;
  const open = () => {
    if (!current) throw new Error('the store workspace is only there inside a test');
    return current;
  };
  beforeEach(async () => {
    current = await openSeededStore(seed);
  });
  afterEach(async () => {
    const { dir, store } = open();
    current = undefined;
    await store.close();
    dir.remove();
  });
  // Built on first use and again after a reopen, so that a test pays only for what it reads.
  const repositories = () => {
    const workspace = open();
    workspace.repositories ??= {
      campaigns: createCampaignRepository(workspace.store.db),
      leads: createLeadRepository(workspace.store.db),
      journal: createAttemptJournal(workspace.store),
    };
    return workspace.repositories;
  };
  return {
    get dir() {
      return open().dir;
    },
    get store() {
      return open().store;
    },
    get campaigns() {
      return repositories().campaigns;
    },
    get leads() {
      return repositories().leads;
    },
    get journal() {
      return repositories().journal;
    },
    get mediaDir() {
      return join(open().dir.path, 'media');
    },
    async claim(attemptId, campaignId, leadId, at = T0) {
      const created = await repositories().journal.createAttempt(
        sampleNewAttempt(attemptId, campaignId, leadId, at),
      );
      if (!created.ok) throw new Error(`could not claim ${leadId}: ${created.reason}`);
      return created.attempt;
    },
    async reopen() {
      const workspace = open();
      await workspace.store.close();
      workspace.store = await openMigratedStore(workspace.dir);
      workspace.repositories = undefined;
      return workspace.store;
    },
  };
}
