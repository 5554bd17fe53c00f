import type { AttemptJournalRecord } from '../../src/machines/attempt-replay.js';
import {
  createAttemptSnapshot,
  stateToString,
  stepAttempt,
} from '../../src/machines/attempt-step.js';
import type { SchedulerHarness } from './scheduler-harness.js';
import { sampleCampaign, sampleLead } from './store-fixtures.js';

/**
 * Writes a recorded journal (a fixture) into the harness's database as the runner would
 * have: its campaign and lead when missing, the attempt claimed from the pending lead,
 * then one journal commit per recorded step. The lead goes back to pending after it, so
 * that several journals of one lead can be stored in turn.
 */
export async function storeJournal(x: SchedulerHarness, record: AttemptJournalRecord) {
  const { input, machineVersion } = record;
  if ((await x.campaigns.get(input.campaignId)) === undefined) {
    await x.campaigns.insert(sampleCampaign({ id: input.campaignId }));
  }
  if ((await x.leads.get(input.leadId)) === undefined) {
    const lead = sampleLead(input.campaignId, 42, { id: input.leadId, phone: input.number });
    const inserted = await x.leads.insert([lead]);
    if (!inserted.ok) throw new Error(`could not insert lead ${input.leadId}`);
  }
  let snapshot = createAttemptSnapshot(input, machineVersion);
  const created = await x.journal.createAttempt({
    attemptId: input.attemptId,
    campaignId: input.campaignId,
    leadId: input.leadId,
    machineVersion,
    input,
    snapshot,
    state: stateToString(snapshot.value),
    at: record.entries[0]?.event.at ?? 0,
  });
  if (!created.ok) throw new Error(`lead ${input.leadId} is not pending`);
  for (const entry of record.entries) {
    const step = stepAttempt(snapshot, entry.event, machineVersion);
    snapshot = step.snapshot;
    const outcome = step.facts.outcome;
    await x.journal.commit({
      entry: { ...entry, attemptId: input.attemptId },
      snapshot,
      facts: step.facts,
      done: step.done,
      startTimers: [],
      cancelTimers: [],
      lead:
        step.done && outcome !== null
          ? {
              leadId: input.leadId,
              outcome,
              error: step.facts.error,
              next: { state: 'pending', nextAttemptAt: null },
            }
          : null,
    });
  }
}
