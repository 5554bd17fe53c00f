import { describe, expect, it } from 'vitest';
import { uploadedRecordingSchema } from '../../src/http/recording-schemas.js';
import { type ApiHarness, apiHarnessPerTest, issuesOf } from '../support/api-harness.js';

const CAMPAIGN = 'campaign-reminders';
const campaign = { param: { id: CAMPAIGN } };
const setUp = apiHarnessPerTest();

/** Uploads a second of raw μ-law silence; resolves with the new recording's id. */
async function uploadRecording(x: ApiHarness): Promise<string> {
  const response = await x.app.request('/api/recordings?name=Prompt', {
    method: 'POST',
    headers: { 'content-type': 'audio/basic' },
    body: new Uint8Array(8000).fill(0xff),
  });
  expect(response.status).toBe(201);
  return uploadedRecordingSchema.parse(await response.json()).id;
}

function issuePaths(error: { details?: unknown }): string[] {
  return issuesOf(error).map((issue) => issue.path);
}

/** How many campaigns the API lists. */
async function campaignCount(x: ApiHarness): Promise<number> {
  return (await x.ok('$get', '/campaigns', {})).campaigns.length;
}

describe('references to recordings', () => {
  it('refuses a new campaign naming a missing recording with a 400 at the field, creating nothing', async () => {
    const x = await setUp();
    const response = await x.refused('$post', '/campaigns', {
      json: {
        name: 'A',
        timezone: 'UTC',
        consent: { enabled: true, recordingId: 'rec-404', timeoutSec: 8 },
        voicemail: { enabled: true, recordingId: 'rec-405', greetingMaxWaitSec: 20 },
      },
    });
    expect(response.status).toBe(400);
    expect(response.code).toBe('validation');
    expect(issuesOf(response)).toEqual([
      {
        path: 'body.consent.recordingId',
        message:
          'no recording has the id "rec-404"; upload it first or pick one of GET /api/recordings',
      },
      expect.objectContaining({ path: 'body.voicemail.recordingId' }),
    ]);
    expect(await campaignCount(x)).toBe(1);
  });

  it('refuses a change naming a missing recording, changing nothing; takes one that exists', async () => {
    const x = await setUp();
    const missing = await x.refused('$patch', '/campaigns/:id', {
      ...campaign,
      json: { voicemail: { enabled: true, recordingId: 'rec-404', greetingMaxWaitSec: 20 } },
    });
    expect(missing.status).toBe(400);
    expect(issuePaths(missing)).toEqual(['body.voicemail.recordingId']);
    expect((await x.ok('$get', '/campaigns/:id', campaign)).voicemail.recordingId).toBe(null);

    const id = await uploadRecording(x);
    const changed = await x.ok('$patch', '/campaigns/:id', {
      ...campaign,
      json: { voicemail: { enabled: true, recordingId: id, greetingMaxWaitSec: 20 } },
    });
    expect(changed.voicemail.recordingId).toBe(id);
  });
});

describe('strings that reach the PBX', () => {
  it('refuses control characters, dialplan separators and broken caller ids, each at its field', async () => {
    const x = await setUp();
    const response = await x.refused('$post', '/campaigns', {
      json: {
        name: 'Flu\u0000shots',
        timezone: 'UTC',
        callerId: '"Clinic" <6789>\r\nX-Injected: 1',
        aiTarget: { kind: 'dialplan', context: '../from-internal', extension: '1,2', priority: 1 },
        aiContext: 'line one\nline two',
        aiAgent: 'agent\u0007',
      },
    });
    expect(response.status).toBe(400);
    expect(issuePaths(response).sort()).toEqual([
      'body.aiAgent',
      'body.aiContext',
      'body.aiTarget.context',
      'body.aiTarget.extension',
      'body.callerId',
      'body.name',
    ]);
    expect(issuesOf(response)).toContainEqual({
      path: 'body.aiTarget.context',
      message: 'may only hold letters, digits, "-" and "_"',
    });
    expect(await campaignCount(x)).toBe(1);
  });

  it('refuses an application target whose argument holds a comma, and a pattern extension', async () => {
    const x = await setUp();
    const app = await x.refused('$patch', '/campaigns/:id', {
      ...campaign,
      json: { aiTarget: { kind: 'app', app: 'ai agent', args: ['ok', 'a,b'] } },
    });
    expect(app.status).toBe(400);
    expect(issuePaths(app)).toEqual(['body.aiTarget.app', 'body.aiTarget.args.1']);
    const pattern = await x.refused('$patch', '/campaigns/:id', {
      ...campaign,
      json: {
        aiTarget: { kind: 'dialplan', context: 'ai-handoff', extension: '_X.', priority: 1 },
      },
    });
    expect(issuesOf(pattern)).toEqual([
      { path: 'body.aiTarget.extension', message: expect.stringMatching(/pattern/) },
    ]);
  });

  it('takes what Asterisk takes: a named caller id, accents in text, FreePBX names', async () => {
    const x = await setUp();
    const json = {
      name: 'Rappels – café ☕',
      timezone: 'UTC',
      callerId: '"Cabinet Müller" <+33123456789>',
      aiTarget: { kind: 'dialplan', context: 'from-internal', extension: '*98', priority: 1 },
      aiContext: 'Rappeler le rendez-vous de demain, poliment.',
      aiProvider: 'openai_realtime',
    } as const;
    const response = await x.api('$post', '/campaigns', { json });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      callerId: '"Cabinet Müller" <+33123456789>',
      aiTarget: { context: 'from-internal', extension: '*98' },
    });
  });
});
