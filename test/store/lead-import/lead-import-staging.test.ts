import { describe, expect, it } from 'vitest';
import { openImportStaging } from '../../../src/store/lead-import/lead-import-staging.js';
import { withConnection } from '../../../src/store/sqlite/sync-transaction.js';
import { useStoreWorkspace } from '../../support/store-workspace.js';

const workspace = useStoreWorkspace();

const pragma = (name: string) =>
  withConnection(workspace.store, () => workspace.store.prepare(`pragma ${name}`).all([]));

describe('the staging file of an import', () => {
  it('is attached with a small page cache of its own, the main connection keeping its 16,000 KiB', async () => {
    const staging = await openImportStaging(workspace.store, 3, 'import-1');
    expect(staging.file).not.toBeNull();
    // Negative: KiB. Rows are appended, then read back in order: nothing to keep cached.
    expect(await pragma('import_stage_3.cache_size')).toEqual([{ cache_size: -1024 }]);
    expect(await pragma('main.cache_size')).toEqual([{ cache_size: -16_000 }]);
    await staging.remove();
  });
});
