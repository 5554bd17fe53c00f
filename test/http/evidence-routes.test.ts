import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { createRecordingRepository } from '../../src/store/recordings.js';
import { type ApiHarness, apiHarnessPerTest, textOf } from '../support/api-harness.js';
import { loadJournalFixture } from '../support/journal-fixtures.js';
import { T0 } from '../support/store-fixtures.js';
import { storeJournal } from '../support/stored-journal.js';

const setUp = apiHarnessPerTest();
const SHA = 'ab'.repeat(32);

/** The evidence of a lead's calls, as `/leads/:id/evidence.json` answers it. */
const evidence = (x: ApiHarness, id: string) =>
  x.api('$get', '/leads/:id/evidence.json', { param: { id } });

/** The attempts of a called lead's evidence, answered with a 200. */
const evidenceAttempts = async (x: ApiHarness, id: string) => {
  const answer = await evidence(x, id);
  expect(answer.status).toBe(200);
  if (!answer.ok) throw new Error(`${answer.status}: ${answer.body.error.message}`);
  return answer.body.attempts;
};

/** One lead called three times: consent accepted (v1), consent denied (v2), transferred onward (v2). */
async function leadWithThreeCalls() {
  const x = await setUp({ leads: 1 });
  await createRecordingRepository(x.store.db).insert({
    id: 'rec-consent',
    name: 'Consent, English',
    fileName: 'consent-3f2a.ulaw',
    mediaUri: 'sound:dialstate/consent-3f2a',
    durationMs: 2_000,
    sizeBytes: 16_000,
    sha256: SHA,
    createdAt: T0,
    updatedAt: T0,
  });
  for (const file of [
    'consent-accept-dialplan.v1.json',
    'consent-deny.v2.json',
    'transfer-onward.v2.json',
  ]) {
    await storeJournal(x, loadJournalFixture(file));
  }
  return x;
}

describe("a lead's evidence", () => {
  it('lists every attempt with the evidence its journal holds, for machine versions 1 and 2', async () => {
    const x = await leadWithThreeCalls();
    const optOut = await x.api('$post', '/opt-outs', {
      json: { attemptId: 'att-1004', reason: 'stop calling me' },
    });
    expect(optOut.status).toBe(200);

    const attempts = await evidenceAttempts(x, 'lead-0042');
    const [accepted, denied, transferred] = attempts;
    expect(attempts.map((a) => a.attemptId)).toEqual(['att-1002', 'att-1004', 'att-1011']);
    expect(accepted).toMatchObject({
      machineVersion: 1,
      phone: '+15551230042',
      dialString: null,
      startedAt: 1795511100000,
      answeredAt: 1795511101005,
      endedAt: 1795511112643,
      amdStatus: 'HUMAN',
      amdCause: 'HUMAN-803-800',
      amdAt: 1795511103977,
      consentMedia: 'sound:dialstate/consent-3f2a',
      consentRecording: { id: 'rec-consent', name: 'Consent, English', sha256: SHA },
      consentPromptAt: 1795511103977,
      consentPlaybackStartedAt: 1795511103980,
      consentDigit: '1',
      consentDigitAt: 1795511107630,
      digits: [{ digit: '1', at: 1795511107630 }],
      handOffAt: 1795511107630,
      handOffConfirmedAt: 1795511107641,
      endedBy: null,
      optOuts: [],
      outcome: 'answered_human',
      error: null,
      replay: { status: 'ok' },
    });
    expect(denied).toMatchObject({
      machineVersion: 2,
      dialString: 'Local/+15551230042@from-internal',
      consentDigit: '2',
      handOffAt: null,
      handOffConfirmedAt: null,
      outcome: 'consent_denied',
      optOuts: [{ phone: '+15551230042', campaignId: null, reason: 'stop calling me' }],
    });
    expect(transferred).toMatchObject({
      machineVersion: 2,
      consentMedia: null,
      consentRecording: null,
      consentDigit: null,
      handOffAt: 1795513803977,
      handOffConfirmedAt: 1795513805984,
      endedBy: 'transfer',
      transferredTo: 'sales-queue',
      endedAt: 1795513871200,
      outcome: 'answered_human',
      optOuts: [],
    });
  });

  it('takes the evidence from the journal, not from the summary columns', async () => {
    const x = await leadWithThreeCalls();
    // A summary column changed behind the journal's back does not change the evidence.
    await x.store.db
      .updateTable('attempt')
      .set({ amd_status: 'MACHINE', digits: '9' })
      .where('id', '=', 'att-1002')
      .execute();
    const [accepted] = await evidenceAttempts(x, 'lead-0042');
    expect(accepted).toMatchObject({ amdStatus: 'HUMAN', consentDigit: '1' });
  });

  it('says when this build no longer reproduces a journal, and still reports what the journal records', async () => {
    const x = await leadWithThreeCalls();
    await x.store.db
      .updateTable('attempt_event')
      .set({ payload: JSON.stringify({ type: 'dtmf.received', at: 1795511107630, digit: '2' }) })
      .where('attempt_id', '=', 'att-1002')
      .where('seq', '=', 12)
      .execute();
    const [accepted] = await evidenceAttempts(x, 'lead-0042');
    expect(accepted).toMatchObject({
      replay: { status: 'mismatch', seq: 12 },
      consentDigit: '2',
      digits: [{ digit: '2', at: 1795511107630 }],
    });
  });

  it('answers an empty list for a lead never called and 404 for an unknown lead', async () => {
    const x = await setUp({ leads: 1 });
    const none = await evidence(x, 'lead-1');
    expect(none).toMatchObject({ status: 200, body: { leadId: 'lead-1', attempts: [] } });
    const missing = await x.refused('$get', '/leads/:id/evidence.json', { param: { id: 'nope' } });
    expect(missing.status).toBe(404);
    expect(missing.message).toBe('lead nope does not exist');
  });
});

describe("a campaign's evidence CSV", () => {
  it('has one row per attempt, times in ISO 8601, and cells a spreadsheet would run escaped', async () => {
    const x = await leadWithThreeCalls();
    await x.ok('$post', '/opt-outs', { json: { attemptId: 'att-1004', reason: 'stop' } });
    const response = await x.call('GET', '/api/campaigns/cmp-reminders/evidence.csv');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const rows: Record<string, string>[] = parse(textOf(response), { bom: true, columns: true });
    expect(rows.map((r) => r.attempt_id)).toEqual(['att-1002', 'att-1004', 'att-1011']);
    expect(rows[0]).toMatchObject({
      phone: "'+15551230042",
      started_at: new Date(1795511100000).toISOString(),
      amd_status: 'HUMAN',
      consent_recording_sha256: SHA,
      consent_digit: '1',
      digits: `1@${new Date(1795511107630).toISOString()}`,
      hand_off_confirmed_at: new Date(1795511107641).toISOString(),
      outcome: 'answered_human',
      machine_version: '1',
      replay: 'ok',
    });
    expect(rows[1]?.opt_outs).toMatch(/^global@\S+: stop$/);
    expect(rows[2]).toMatchObject({ ended_by: 'transfer', transferred_to: 'sales-queue' });
  });

  it('answers 404 for an unknown campaign', async () => {
    const x = await setUp({ leads: 1 });
    const response = await x.call('GET', '/api/campaigns/nope/evidence.csv');
    expect(response.status).toBe(404);
  });
});
