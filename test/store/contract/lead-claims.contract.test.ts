import { expect, it } from 'vitest';
import { planStart } from '../../../src/calls/attempt-step-plan.js';
import type { LeadClaimRequest, LeadClaimVerdict } from '../../../src/calls/ports.js';
import type { FrequencyCaps } from '../../../src/campaign/frequency-caps.js';
import type { Lead } from '../../../src/campaign/lead.js';
import { ATTEMPT_MACHINE_VERSION } from '../../../src/machines/attempt.js';
import { createAttemptSnapshot, stateToString } from '../../../src/machines/attempt-step.js';
import { createDncRepository } from '../../../src/store/dnc.js';
import {
  claimRequest,
  type DialingNode,
  describeEachDialingStore,
} from '../../support/each-dialing-store.js';
import { sampleLead, sampleLeads, sampleNewAttempt, T0 } from '../../support/store-fixtures.js';

const C = 'campaign-1';
const OTHER = 'campaign-2';
const HOUR = 3_600_000;

describeEachDialingStore('claiming leads', (store) => {
  let ids = 0;
  async function claimed(node: DialingNode, overrides: Partial<LeadClaimRequest> = {}) {
    const { campaignId = C, at = T0 } = overrides;
    const result = await node.claimer.claimNextLead(claimRequest(node, campaignId, at, overrides));
    return result.ok ? result.lead.id : null;
  }
  const leadStates = async () =>
    Object.fromEntries(
      (
        await store()
          .node.db.selectFrom('lead')
          .select(['id', 'state', 'last_error'])
          .orderBy('id')
          .execute()
      ).map((row) => [row.id, [row.state, row.last_error]]),
    );

  it('claims in order and finishes the leads it may never call, by the same rules', async () => {
    await store().seed({
      campaigns: [{ id: C, status: 'running', maxConcurrent: 50, minIntervalMs: 0 }],
      leads: [
        sampleLead(C, 1),
        sampleLead(C, 2, { priority: 5 }),
        sampleLead(C, 3),
        sampleLead(C, 4),
        sampleLead(C, 5),
        sampleLead(C, 6),
      ],
    });
    const { node } = store();
    await createDncRepository(node.db).add({
      campaignId: null,
      phone: sampleLead(C, 3).phone,
      reason: 'asked',
      createdAt: T0,
    });
    await node.db.updateTable('lead').set({ attempts: 3 }).where('id', '=', 'lead-4').execute();
    const consider = (lead: Lead): LeadClaimVerdict => {
      if (lead.id === 'lead-5') return { verdict: 'skip' };
      if (lead.id === 'lead-6') return { verdict: 'fail', error: 'no dial string' };
      ids += 1;
      return { verdict: 'claim', attempt: sampleNewAttempt(`a-${ids}`, C, lead.id) };
    };
    const order: (string | null)[] = [];
    for (let i = 0; i < 3; i += 1) order.push(await claimed(node, { consider }));
    expect(order).toEqual(['lead-2', 'lead-1', null]);
    expect(await leadStates()).toEqual({
      'lead-1': ['dialing', null],
      'lead-2': ['dialing', null],
      'lead-3': ['dnc', 'on the global do-not-call list (asked)'],
      'lead-4': ['failed', 'no attempts left (3 of 3)'],
      'lead-5': ['pending', null],
      'lead-6': ['failed', 'no dial string'],
    });
  });

  it('puts a lead off, pending, while its number is at a frequency cap in any campaign', async () => {
    const phone = '+12125550101';
    await store().seed({
      campaigns: [
        { id: C, status: 'running', maxConcurrent: 50, minIntervalMs: 0 },
        { id: OTHER, status: 'running', maxConcurrent: 50, minIntervalMs: 0 },
      ],
      leads: [sampleLead(OTHER, 1, { phone }), sampleLead(C, 2, { phone })],
    });
    const { node } = store();
    const caps: FrequencyCaps = { per24h: 1, per7d: null, per30d: null };
    expect(await claimed(node, { campaignId: OTHER, frequencyCaps: caps })).toBe('lead-1');
    expect(await claimed(node, { at: T0 + HOUR, frequencyCaps: caps })).toBeNull();
    const lead = await node.db
      .selectFrom('lead')
      .select(['state', 'next_attempt_at', 'wait_reason'])
      .where('id', '=', 'lead-2')
      .executeTakeFirstOrThrow();
    expect(lead.state).toBe('pending');
    expect(lead.next_attempt_at).toBe(T0 + 24 * HOUR);
    expect(lead.wait_reason).toMatch(/24 hours/);
  });

  it('writes the attempt’s first journal entry with the claim when asked (ADR 044)', async () => {
    await store().seed({
      campaigns: [{ id: C, status: 'running', maxConcurrent: 50, minIntervalMs: 0 }],
      leads: [sampleLead(C, 1)],
    });
    const { node } = store();
    const result = await node.claimer.claimNextLead(
      claimRequest(node, C, T0, {
        consider: (lead) => {
          const attempt = sampleNewAttempt('a-first', C, lead.id);
          const snapshot = createAttemptSnapshot(attempt.input);
          return {
            verdict: 'claim',
            attempt: {
              ...attempt,
              machineVersion: ATTEMPT_MACHINE_VERSION,
              snapshot,
              state: stateToString(snapshot.value),
            },
          };
        },
        firstStep: (stored) => planStart(stored, T0 + 5),
      }),
    );
    if (!result.ok || result.first === undefined) throw new Error('claimed without a first step');
    // The claim's attempt as created; the first step as committed with it.
    expect(result.attempt.seq).toBe(0);
    expect(result.first.seq).toBe(1);
    const { commands } = result.first.step;
    expect(commands.map((command) => command.type)).toEqual(['originate']);
    expect(await node.journal.loadAttempt('a-first')).toMatchObject({
      seq: 1,
      state: result.first.step.state,
      done: false,
      timers: result.first.start,
    });
    const entries = await node.journal.loadEntries('a-first');
    expect(entries.map(({ seq, event, commands }) => ({ seq, event, commands }))).toEqual([
      { seq: 1, event: { type: 'attempt.started', at: T0 + 5 }, commands },
    ]);
  });

  it('never gives one lead to two nodes claiming from one campaign at once', async () => {
    const LEADS = 40;
    await store().seed({
      campaigns: [{ id: C, status: 'running', maxConcurrent: 1_000, minIntervalMs: 0 }],
      leads: sampleLeads(C, LEADS),
    });
    const nodes = [store().node, await store().openNode('node-b')];
    const byNode = new Map<string, string[]>(nodes.map((node) => [node.nodeId, []]));
    // Each node keeps several claims in flight until it finds nothing left.
    await Promise.all(
      nodes.flatMap((node) =>
        Array.from({ length: 4 }, async () => {
          for (;;) {
            const leadId = await claimed(node);
            if (leadId === null) return;
            byNode.get(node.nodeId)?.push(leadId);
          }
        }),
      ),
    );
    const all = [...byNode.values()].flat();
    expect(new Set(all).size).toBe(all.length);
    expect(all.sort()).toEqual(
      sampleLeads(C, LEADS)
        .map((lead) => lead.id)
        .sort(),
    );
    const attempts = await store()
      .node.db.selectFrom('attempt')
      .select(({ fn }) => fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(attempts.n)).toBe(LEADS);
  });
});
