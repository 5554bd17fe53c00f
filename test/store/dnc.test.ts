import { beforeEach, describe, expect, it } from 'vitest';
import { createDncRepository, type DncRepository } from '../../src/store/dnc.js';
import { T0 } from '../support/store-fixtures.js';
import { useStoreWorkspace } from '../support/store-workspace.js';

const CAMPAIGN = 'campaign-reminders';
const OTHER = 'campaign-follow-up';
const PHONE = '+15550200001';

const workspace = useStoreWorkspace({ campaigns: [{ id: CAMPAIGN }, { id: OTHER }] });
let dnc: DncRepository;
beforeEach(() => {
  dnc = createDncRepository(workspace.store.db);
});

describe('DNC repository', () => {
  it('blocks a phone on the global list in every campaign', async () => {
    expect(await dnc.add({ campaignId: null, phone: PHONE, reason: 'asked', createdAt: T0 })).toBe(
      true,
    );
    expect(await dnc.isBlocked(PHONE, CAMPAIGN)).toBe(true);
    expect(await dnc.isBlocked(PHONE, OTHER)).toBe(true);
    expect(await dnc.isBlocked('+15550200002', CAMPAIGN)).toBe(false);
  });

  it('blocks a phone on a campaign list in that campaign only', async () => {
    await dnc.add({ campaignId: CAMPAIGN, phone: PHONE, reason: null, createdAt: T0 });
    expect(await dnc.isBlocked(PHONE, CAMPAIGN)).toBe(true);
    expect(await dnc.isBlocked(PHONE, OTHER)).toBe(false);
  });

  it('keeps one entry per scope and phone', async () => {
    expect(await dnc.add({ campaignId: null, phone: PHONE, reason: null, createdAt: T0 })).toBe(
      true,
    );
    expect(await dnc.add({ campaignId: null, phone: PHONE, reason: null, createdAt: T0 })).toBe(
      false,
    );
    expect(await dnc.add({ campaignId: CAMPAIGN, phone: PHONE, reason: null, createdAt: T0 })).toBe(
      true,
    );
    expect(await dnc.list(null)).toEqual([
      { id: 1, campaignId: null, phone: PHONE, reason: null, createdAt: T0 },
    ]);
    expect((await dnc.list(CAMPAIGN)).map((entry) => entry.phone)).toEqual([PHONE]);
  });

  it('unblocks a phone removed from its list', async () => {
    await dnc.add({ campaignId: null, phone: PHONE, reason: null, createdAt: T0 });
    await dnc.add({ campaignId: CAMPAIGN, phone: PHONE, reason: null, createdAt: T0 });

    expect(await dnc.remove(PHONE, null)).toBe(true);
    expect(await dnc.isBlocked(PHONE, OTHER)).toBe(false);
    expect(await dnc.isBlocked(PHONE, CAMPAIGN)).toBe(true);
    expect(await dnc.remove(PHONE, null)).toBe(false);
  });
});
