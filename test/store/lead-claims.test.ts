import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { LeadClaimRequest, LeadClaimVerdict } from '../../src/calls/ports.js';
import { NO_FREQUENCY_CAPS } from '../../src/campaign/frequency-caps.js';
import type { Lead } from '../../src/campaign/lead.js';
import { createCampaignRepository } from '../../src/store/campaigns.js';
import { createDncRepository } from '../../src/store/dnc.js';
import { CREATE_SQL, createAttemptJournal } from '../../src/store/journal/attempt-journal.js';
import {
  CLAIM_BATCH,
  CLAIM_SQL,
  createLeadClaimer,
  type LeadClaimer,
} from '../../src/store/lead-claims.js';
import type { Store } from '../../src/store/sqlite/db.js';
import {
  sampleCampaign,
  sampleLead,
  sampleLeads,
  sampleNewAttempt,
  T0,
} from '../support/store-fixtures.js';
import { useStoreWorkspace } from '../support/store-workspace.js';

const CAMPAIGN = 'campaign-reminders';

const workspace = useStoreWorkspace({ campaigns: [{ id: CAMPAIGN }] });
let claimer: LeadClaimer;
let ids = 0;

beforeEach(() => {
  claimer = createLeadClaimer(createAttemptJournal(workspace.store));
  ids = 0;
});

/** Claims every lead it is offered with a fresh attempt. */
function claimAll(lead: Lead): LeadClaimVerdict {
  ids += 1;
  return { verdict: 'claim', attempt: sampleNewAttempt(`attempt-${ids}`, CAMPAIGN, lead.id) };
}

function request(overrides: Partial<LeadClaimRequest> = {}): LeadClaimRequest {
  return {
    campaignId: CAMPAIGN,
    at: T0,
    maxAttempts: 3,
    frequencyCaps: NO_FREQUENCY_CAPS,
    consider: claimAll,
    ...overrides,
  };
}

async function claimedLeadId(overrides: Partial<LeadClaimRequest> = {}): Promise<string | null> {
  const result = await claimer.claimNextLead(request(overrides));
  return result.ok ? result.lead.id : null;
}

async function setLead(id: string, columns: { next_attempt_at?: number; attempts?: number }) {
  await workspace.store.db.updateTable('lead').set(columns).where('id', '=', id).execute();
}

describe('claiming the next due lead', () => {
  it('claims by due time, then priority, then import order', async () => {
    await workspace.leads.insert([
      sampleLead(CAMPAIGN, 1),
      sampleLead(CAMPAIGN, 2, { priority: 5 }),
      sampleLead(CAMPAIGN, 3),
      sampleLead(CAMPAIGN, 4, { priority: 5 }),
      sampleLead(CAMPAIGN, 5, { priority: 9 }),
    ]);
    // Lead 5 has the highest priority but comes due last; lead 1 came due earliest.
    await setLead('lead-5', { next_attempt_at: T0 - 1_000 });
    await setLead('lead-1', { next_attempt_at: T0 - 60_000 });
    for (const id of ['lead-2', 'lead-3', 'lead-4']) await setLead(id, { next_attempt_at: 0 });

    const order: (string | null)[] = [];
    for (let i = 0; i < 6; i += 1) order.push(await claimedLeadId());

    expect(order).toEqual(['lead-2', 'lead-4', 'lead-3', 'lead-1', 'lead-5', null]);
  });

  it('claims the lead with its attempt row and moves it to dialing', async () => {
    await workspace.leads.insert(sampleLeads(CAMPAIGN, 1));
    const result = await claimer.claimNextLead(request());
    expect(result).toMatchObject({
      ok: true,
      lead: { id: 'lead-1', state: 'pending', attempts: 0 },
      attempt: { attemptId: 'attempt-1', attemptNumber: 1, uncountedAttempts: 0 },
    });
    expect(await workspace.leads.get('lead-1')).toMatchObject({
      state: 'dialing',
      attempts: 1,
      activeAttemptId: 'attempt-1',
    });
  });

  it('leaves a lead alone until it is due', async () => {
    await workspace.leads.insert(sampleLeads(CAMPAIGN, 1));
    await setLead('lead-1', { next_attempt_at: T0 + 1 });
    expect(await claimer.claimNextLead(request())).toEqual({
      ok: false,
      reason: 'nothingClaimable',
      skipped: 0,
    });
    expect(await claimedLeadId({ at: T0 + 1 })).toBe('lead-1');
  });

  it('finishes a lead on the global or the campaign do-not-call list as dnc, with the reason', async () => {
    await workspace.leads.insert(sampleLeads(CAMPAIGN, 3));
    const dnc = createDncRepository(workspace.store.db);
    await dnc.add({ campaignId: null, phone: '+15550200001', reason: 'asked', createdAt: T0 });
    await dnc.add({ campaignId: CAMPAIGN, phone: '+15550200002', reason: null, createdAt: T0 });

    expect(await claimedLeadId()).toBe('lead-3');

    expect(await workspace.leads.get('lead-1')).toMatchObject({
      state: 'dnc',
      lastError: 'on the global do-not-call list (asked)',
      attempts: 0,
    });
    expect(await workspace.leads.get('lead-2')).toMatchObject({
      state: 'dnc',
      lastError: "on the campaign's do-not-call list",
    });
  });

  it("ignores another campaign's do-not-call list", async () => {
    await createCampaignRepository(workspace.store.db).insert(
      sampleCampaign({ id: 'campaign-other' }),
    );
    await workspace.leads.insert(sampleLeads(CAMPAIGN, 1));
    await createDncRepository(workspace.store.db).add({
      campaignId: 'campaign-other',
      phone: '+15550200001',
      reason: null,
      createdAt: T0,
    });
    expect(await claimedLeadId()).toBe('lead-1');
  });

  it('finishes a lead that had all its attempts as failed', async () => {
    await workspace.leads.insert(sampleLeads(CAMPAIGN, 2));
    await setLead('lead-1', { attempts: 3 });
    expect(await claimedLeadId()).toBe('lead-2');
    expect(await workspace.leads.get('lead-1')).toMatchObject({
      state: 'failed',
      lastError: 'no attempts left (3 of 3)',
    });
  });

  it('counts only the attempts made since the lead was last recycled for a redial', async () => {
    await workspace.leads.insert(sampleLeads(CAMPAIGN, 1));
    await workspace.store.db
      .updateTable('lead')
      .set({ attempts: 3, recycled_attempts: 3 })
      .where('id', '=', 'lead-1')
      .execute();
    const result = await claimer.claimNextLead(request());
    expect(result).toMatchObject({
      ok: true,
      attempt: { attemptNumber: 4, uncountedAttempts: 3 },
    });
  });

  it('leaves a skipped lead pending and claims the next one', async () => {
    await workspace.leads.insert(sampleLeads(CAMPAIGN, 3));
    const consider = (lead: Lead): LeadClaimVerdict =>
      lead.id === 'lead-3' ? claimAll(lead) : { verdict: 'skip' };
    expect(await claimedLeadId({ consider })).toBe('lead-3');
    expect((await workspace.leads.get('lead-1'))?.state).toBe('pending');
    expect(await claimer.claimNextLead(request({ consider }))).toEqual({
      ok: false,
      reason: 'nothingClaimable',
      skipped: 2,
    });
  });

  it('finishes a lead the claimer can never call as failed, with its error', async () => {
    await workspace.leads.insert(sampleLeads(CAMPAIGN, 2));
    const consider = (lead: Lead): LeadClaimVerdict =>
      lead.id === 'lead-1' ? { verdict: 'fail', error: 'unknown time zone' } : claimAll(lead);
    expect(await claimedLeadId({ consider })).toBe('lead-2');
    expect(await workspace.leads.get('lead-1')).toMatchObject({
      state: 'failed',
      lastError: 'unknown time zone',
    });
  });

  it('gives every lead to exactly one of many simultaneous claims', async () => {
    await workspace.leads.insert(sampleLeads(CAMPAIGN, 60));
    const results = await Promise.all(
      Array.from({ length: 100 }, () => claimer.claimNextLead(request())),
    );
    const claimed = results.flatMap((result) => (result.ok ? [result.lead.id] : []));
    expect(claimed).toHaveLength(60);
    expect(new Set(claimed).size).toBe(60);
    const attempts = await workspace.store.db
      .selectFrom('attempt')
      .select(['lead_id', (eb) => eb.fn.countAll<number>().as('count')])
      .groupBy('lead_id')
      .execute();
    expect(attempts).toHaveLength(60);
    expect(attempts.every((row) => row.count === 1)).toBe(true);
  });
});

/** The claim's statements by their text, named as in the source. */
const STATEMENT_NAMES = new Map<string, string>(
  [...Object.entries(CLAIM_SQL), ...Object.entries(CREATE_SQL)].map(([name, text]) => [text, name]),
);

/** A claimer whose claims note each statement they run, by name, with its parameters. */
function recordingClaimer(ran: [string, readonly unknown[]][]): LeadClaimer {
  const journal = createAttemptJournal(workspace.store);
  const recording =
    (prepare: Store['prepare']): Store['prepare'] =>
    (text) => {
      const statement = prepare(text);
      const name = STATEMENT_NAMES.get(text) ?? text;
      return {
        reader: statement.reader,
        all: (parameters) => {
          ran.push([name, parameters]);
          return statement.all(parameters);
        },
        run: (parameters) => {
          ran.push([name, parameters]);
          return statement.run(parameters);
        },
        iterate: (parameters) => statement.iterate(parameters),
      };
    };
  return createLeadClaimer({ transact: (work) => journal.transact((p) => work(recording(p))) });
}

describe('the statements of a claim', () => {
  it('reads only the first due lead when it claims that one', async () => {
    await workspace.leads.insert(sampleLeads(CAMPAIGN, 10));
    const ran: [string, readonly unknown[]][] = [];
    expect(await recordingClaimer(ran).claimNextLead(request())).toMatchObject({
      ok: true,
      lead: { id: 'lead-1' },
    });
    expect(ran.map(([name]) => name)).toEqual([
      'dueLead',
      'claimLead',
      'markOriginate',
      'insertAttempt',
      'insertInput',
    ]);
  });

  it('reads on in batches past the leads it steps over', async () => {
    await workspace.leads.insert(sampleLeads(CAMPAIGN, 12));
    const ran: [string, readonly unknown[]][] = [];
    const consider = (lead: Lead): LeadClaimVerdict =>
      lead.id === 'lead-7' ? claimAll(lead) : { verdict: 'skip' };
    expect(await recordingClaimer(ran).claimNextLead(request({ consider }))).toMatchObject({
      ok: true,
      lead: { id: 'lead-7' },
    });
    // One lead, then batches of CLAIM_BATCH from past the skipped ones.
    const reads = ran.filter(([name]) => name.startsWith('due'));
    expect(reads).toEqual([
      ['dueLead', [CAMPAIGN, T0]],
      ['dueLeads', [CAMPAIGN, T0, 1]],
      ['dueLeads', [CAMPAIGN, T0, 1 + CLAIM_BATCH]],
    ]);
  });

  it('names its limits in the text rather than binding them', () => {
    // A bound LIMIT made SQLite take three to four times as long over the same rows.
    expect(CLAIM_SQL.dueLead).toMatch(/limit 1$/);
    expect(CLAIM_SQL.dueLeads).toMatch(new RegExp(`limit ${CLAIM_BATCH} offset \\?$`));
  });
});

describe('claiming from several processes at once', () => {
  it('never gives the same lead to two processes claiming from one database file', async () => {
    // Enough that no process can claim them all before the others have woken up.
    const LEADS = 3_000;
    const PROCESSES = 4;
    await workspace.leads.insert(sampleLeads(CAMPAIGN, LEADS));
    await workspace.store.close();

    const child = join(import.meta.dirname, '../support/claim-child.ts');
    const children = Array.from({ length: PROCESSES }, (_, index) =>
      startClaimer([child, join(workspace.dir.path, 'dialstate.db'), CAMPAIGN, `p${index}`]),
    );
    // Once every child has loaded and opened the database, they start claiming together.
    await Promise.all(children.map((c) => c.ready));
    for (const c of children) c.go();
    const outputs = await Promise.all(children.map((c) => c.output));
    const perProcess = outputs.map((output) => JSON.parse(output) as string[]);
    const claimed = perProcess.flat();

    expect(claimed).toHaveLength(LEADS);
    expect(new Set(claimed).size).toBe(LEADS);
    // Each process got a share: they really ran side by side.
    expect(perProcess.filter((ids) => ids.length > 0).length).toBeGreaterThan(1);

    await workspace.reopen();
    const rows = await workspace.store.db.selectFrom('attempt').select('lead_id').execute();
    expect(rows).toHaveLength(LEADS);
    expect(new Set(rows.map((row) => row.lead_id)).size).toBe(LEADS);
  }, 60_000);
});

/**
 * Runs a claimer child process: `ready` resolves when it has printed its ready line,
 * `go()` lets it start, `output` resolves with the rest of its stdout once it exits.
 */
function startClaimer(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
    if (stdout.includes('ready\n')) markReady();
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const output = new Promise<string>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) resolve(stdout.slice(stdout.indexOf('ready\n') + 'ready\n'.length));
      else reject(new Error(`child exited with ${code}: ${stderr}`));
    });
  });
  // A child that dies before it is ready fails the test through `output`.
  output.catch(() => markReady());
  return { ready, output, go: () => child.stdin.end('go\n') };
}
