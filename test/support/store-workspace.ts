import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import type { Store } from '../../src/store/db.js';
import {
  createTempDir,
  openMigratedStore,
  type StoreSeed,
  seedStore,
  type TempDir,
} from './store-fixtures.js';

/**
 * A temp dir of its own with a migrated database file, seeded, and the path of a media
 * folder inside it. `store` is the connection open now: `reopen` replaces it.
 */
export interface StoreWorkspace {
  readonly dir: TempDir;
  readonly store: Store;
  /** `<dir>/media`, not created: the library creates it when it first writes. */
  readonly mediaDir: string;
  /** Closes the connection (if still open) and opens the same file again, as a restart does. */
  reopen(): Promise<Store>;
}

/**
 * Gives each test of the calling file a fresh workspace seeded with `seed`, and removes it
 * afterwards. Read `store` inside the tests: it is set in a beforeEach hook.
 */
export function useStoreWorkspace(seed: StoreSeed = {}): StoreWorkspace {
  let current: { dir: TempDir; store: Store } | undefined;
  const open = () => {
    if (!current) throw new Error('the store workspace is only there inside a test');
    return current;
  };
  beforeEach(async () => {
    const dir = createTempDir();
    const store = await openMigratedStore(dir);
    current = { dir, store };
    await seedStore(store, seed);
  });
  afterEach(async () => {
    const { dir, store } = open();
    current = undefined;
    await store.close();
    dir.remove();
  });
  return {
    get dir() {
      return open().dir;
    },
    get store() {
      return open().store;
    },
    get mediaDir() {
      return join(open().dir.path, 'media');
    },
    async reopen() {
      const workspace = open();
      await workspace.store.close();
      workspace.store = await openMigratedStore(workspace.dir);
      return workspace.store;
    },
  };
}
