import { afterEach } from 'vitest';
import type { Store, SynchronousMode } from '../../src/store/sqlite/db.js';
import { createTempDir, openMigratedStore, type TempDir } from './store-fixtures.js';

/**
 * For a test file whose tests each work on a database file of their own: `open` opens
 * (again, after a simulated restart) the test's file; the store is closed and the folder
 * removed after each test.
 */
export function fileStorePerTest() {
  let dir: TempDir | undefined;
  let store: Store | undefined;
  afterEach(async () => {
    await store?.close();
    store = undefined;
    dir?.remove();
    dir = undefined;
  });
  return {
    async open(options: { synchronous?: SynchronousMode } = {}): Promise<Store> {
      dir ??= createTempDir();
      store = await openMigratedStore(dir, options);
      return store;
    },
    /** The test's folder (after `open`). */
    path(): string {
      if (dir === undefined) throw new Error('open the store first');
      return dir.path;
    },
  };
}
