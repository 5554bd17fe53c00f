import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabaseParts, withDatabase } from '../../src/wiring/database.js';
import { createTempDir, sampleCampaign, type TempDir } from '../support/store-fixtures.js';

let dir: TempDir | undefined;
afterEach(() => {
  dir?.remove();
  dir = undefined;
});

function dbConfig() {
  dir = createTempDir();
  return {
    path: path.join(dir.path, 'dialstate.db'),
    synchronous: 'NORMAL' as const,
    busyTimeoutMs: 5_000,
    unwritableAfterMs: 10_000,
  };
}

describe('the database parts', () => {
  it('builds each adapter once, on first use, over the one migrated database', async () => {
    const parts = await openDatabaseParts(dbConfig());
    try {
      expect(parts.applied.length).toBeGreaterThan(0);
      expect(Object.getOwnPropertyDescriptor(parts, 'campaigns')?.get).toBeDefined();
      const campaigns = parts.campaigns;
      expect(parts.campaigns).toBe(campaigns);
      expect(Object.getOwnPropertyDescriptor(parts, 'campaigns')?.value).toBe(campaigns);
      await campaigns.insert(sampleCampaign({ id: 'campaign-1' }));
      expect((await parts.campaignControl.getCampaign('campaign-1'))?.id).toBe('campaign-1');
      await expect(parts.ping()).resolves.toBeUndefined();
    } finally {
      await parts.close();
    }
  });

  it('closes the database after a command, also when it fails', async () => {
    const config = dbConfig();
    let seen: Awaited<ReturnType<typeof openDatabaseParts>>['store'] | undefined;
    await expect(
      withDatabase(config, async (parts) => {
        seen = parts.store;
        throw new Error('command failed');
      }),
    ).rejects.toThrow('command failed');
    expect(seen).toBeDefined();
    await expect(seen?.db.selectFrom('campaign').selectAll().execute()).rejects.toThrow();
    // The file stays usable: the next command opens it again.
    await withDatabase(config, async (parts) => {
      expect(await parts.campaigns.list()).toEqual([]);
    });
  });
});
