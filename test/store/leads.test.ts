import { describe, expect, it } from 'vitest';
import { sampleLead, sampleLeads, T0 } from '../support/store-fixtures.js';
import { useStoreWorkspace } from '../support/store-workspace.js';

const CAMPAIGN = 'campaign-reminders';
const OTHER = 'campaign-follow-up';

const workspace = useStoreWorkspace({
  campaigns: [{ id: CAMPAIGN }, { id: OTHER, name: 'Follow-up' }],
});

describe('lead repository', () => {
  it('inserts a batch of pending leads and reads each back', async () => {
    expect(await workspace.leads.insert(sampleLeads(CAMPAIGN, 3))).toEqual({
      ok: true,
      inserted: 3,
    });
    expect(await workspace.leads.get('lead-1')).toEqual({
      id: 'lead-1',
      campaignId: CAMPAIGN,
      phone: '+15550200001',
      name: 'Lead 1',
      timezone: null,
      // A 555 number: NANP places it nowhere, so the campaign's zone applies.
      phoneZones: [],
      waitReason: null,
      callerId: null,
      customVars: { appointment: '2026-11-25 10:30' },
      aiTarget: null,
      state: 'pending',
      priority: 0,
      attempts: 0,
      nextAttemptAt: 0,
      lastOutcome: null,
      lastError: null,
      activeAttemptId: null,
      importSeq: 1,
      createdAt: T0,
      updatedAt: T0,
    });
  });

  it("keeps a lead's own AI target", async () => {
    const [lead] = sampleLeads(CAMPAIGN, 1);
    if (!lead) throw new Error('no sample lead');
    const aiTarget = {
      kind: 'dialplan',
      context: 'vip-agent',
      extension: 's',
      priority: 1,
    } as const;
    await workspace.leads.insert([{ ...lead, aiTarget }]);
    expect((await workspace.leads.get('lead-1'))?.aiTarget).toEqual(aiTarget);
  });

  it('refuses a phone the campaign already has and inserts nothing of the batch', async () => {
    await workspace.leads.insert([sampleLead(CAMPAIGN, 1)]);
    const batch = [
      ...sampleLeads(CAMPAIGN, 2, 10),
      sampleLead(CAMPAIGN, 20, { phone: '+15550200001' }),
    ];

    expect(await workspace.leads.insert(batch)).toEqual({
      ok: false,
      reason: 'duplicatePhone',
      leadId: 'lead-20',
      phone: '+15550200001',
    });
    expect(await workspace.leads.get('lead-10')).toBeUndefined();
    expect((await workspace.leads.countByState(CAMPAIGN)).pending).toBe(1);
  });

  it('accepts the same phone in another campaign', async () => {
    await workspace.leads.insert([sampleLead(CAMPAIGN, 1)]);
    const again = sampleLead(OTHER, 1, { id: 'lead-other' });
    expect(await workspace.leads.insert([again])).toEqual({ ok: true, inserted: 1 });
  });

  it('lists a campaign page by page in import order, optionally of one state', async () => {
    await workspace.leads.insert(sampleLeads(CAMPAIGN, 5).reverse());
    await workspace.leads.insert(sampleLeads(OTHER, 1, 100));
    await workspace.leads.changeState('lead-2', 'pending', 'canceled', {}, T0 + 1);

    const page = await workspace.leads.listByCampaign(CAMPAIGN, { limit: 2, offset: 1 });
    expect(page.map((lead) => lead.id)).toEqual(['lead-2', 'lead-3']);
    const pending = await workspace.leads.listByCampaign(CAMPAIGN, {
      state: 'pending',
      limit: 10,
      offset: 0,
    });
    expect(pending.map((lead) => lead.id)).toEqual(['lead-1', 'lead-3', 'lead-4', 'lead-5']);
  });

  it('changes state only from the expected state, with its patch', async () => {
    await workspace.leads.insert(sampleLeads(CAMPAIGN, 1));

    expect(await workspace.leads.changeState('lead-1', 'dialing', 'failed', {}, T0 + 1)).toBe(
      false,
    );
    expect((await workspace.leads.get('lead-1'))?.state).toBe('pending');

    const patch = { nextAttemptAt: T0 + 60_000, lastOutcome: 'busy' as const, priority: 5 };
    expect(await workspace.leads.changeState('lead-1', 'pending', 'pending', patch, T0 + 2)).toBe(
      true,
    );
    expect(
      await workspace.leads.changeState(
        'lead-1',
        'pending',
        'dnc',
        { lastError: 'opted out' },
        T0 + 3,
      ),
    ).toBe(true);
    expect(await workspace.leads.get('lead-1')).toMatchObject({
      state: 'dnc',
      nextAttemptAt: T0 + 60_000,
      lastOutcome: 'busy',
      lastError: 'opted out',
      priority: 5,
      updatedAt: T0 + 3,
    });
  });

  it('rejects a state outside the lead vocabulary', async () => {
    await workspace.leads.insert(sampleLeads(CAMPAIGN, 1));
    await expect(
      workspace.leads.changeState('lead-1', 'pending', 'retrying' as 'pending', {}, T0),
    ).rejects.toThrow(/CHECK constraint failed/);
  });

  it('counts the leads of a campaign in every state', async () => {
    await workspace.leads.insert(sampleLeads(CAMPAIGN, 3));
    await workspace.leads.insert(sampleLeads(OTHER, 2, 10));
    await workspace.leads.changeState('lead-3', 'pending', 'completed', {}, T0);

    expect(await workspace.leads.countByState(CAMPAIGN)).toEqual({
      pending: 2,
      dialing: 0,
      completed: 1,
      failed: 0,
      canceled: 0,
      dnc: 0,
    });
  });
});
