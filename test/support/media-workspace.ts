import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import type { Store } from '../../src/store/db.js';
import { createTempDir, openMigratedStore, type TempDir } from './store-fixtures.js';

/** A fresh temp dir with a migrated database and, inside it, a media folder path. */
export interface MediaWorkspace {
  dir: TempDir;
  store: Store;
  /** `<dir>/media`, not created: the library creates it when it first writes. */
  mediaDir: string;
}

/** Gives each test of the calling file its own workspace, removed afterwards. */
export function useMediaWorkspace(): MediaWorkspace {
  const workspace = {} as MediaWorkspace;
  beforeEach(async () => {
    workspace.dir = createTempDir();
    workspace.store = await openMigratedStore(workspace.dir);
    workspace.mediaDir = join(workspace.dir.path, 'media');
  });
  afterEach(async () => {
    await workspace.store.close();
    workspace.dir.remove();
  });
  return workspace;
}
