import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { API_ERROR_STATUS, errorBodySchema } from '../../src/http/api-error.js';
import { type ApiHarness, createApiHarness, openApiOf } from '../support/api-harness.js';

/**
 * A seeded run of generated bad requests over every route of the OpenAPI document: hostile
 * ids, query values, JSON bodies (malformed, mistyped, near-valid with one field wrong),
 * CSV, multipart and audio bodies with wrong or missing content types. Whatever comes in,
 * no answer is a 5xx, and every error has the documented `{ error: { code, message,
 * details } }` body with the status its code stands for.
 */

/** The operations of the OpenAPI document and the query parameters each documents. */
const operationsSchema = z.object({
  paths: z.record(
    z.string(),
    z.record(
      z.string(),
      z.object({ parameters: z.array(z.object({ in: z.string(), name: z.string() })).optional() }),
    ),
  ),
});

const SEED = 1414;
const RUNS = 400;

interface Operation {
  method: string;
  path: string;
  query: string[];
}

interface Case {
  operation: Operation;
  ids: string[];
  query: [string, string][];
  rawQuery: string | null;
  body: { contentType: string | null; text: string } | null;
}

/** Values that broke parsers, validators or storage somewhere before. */
const NASTY = [
  '',
  ' ',
  '\u0000',
  'a\r\nb',
  '../../etc/passwd',
  '%00',
  "' OR 1=1 --",
  '-1',
  '0',
  '1e309',
  'NaN',
  '[]',
  '{}',
  'null',
  'x'.repeat(5000),
  '\ud800',
  '😀'.repeat(50),
  '+1 (415) 555-0101',
  '_X.',
  '"Clinic" <6789>',
  'campaign-reminders',
  'lead-1',
  'rec-1',
];

const hostileString = fc.oneof(
  fc.constantFrom(...NASTY),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ maxLength: 12 }),
);
const hostileJson: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  fc.constantFrom(-1, 0, 1.5, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, true, null),
  fc.jsonValue({ maxDepth: 3 }),
  fc.array(hostileString, { maxLength: 3 }),
);

const CAMPAIGN_SETTINGS = {
  callerId: '"Clinic" <6789>',
  window: { start: '09:00', end: '17:00', days: [1, 2, 3] },
  consent: { enabled: true, recordingId: 'rec-1', timeoutSec: 8 },
  voicemail: { enabled: false, recordingId: null, greetingMaxWaitSec: 20 },
  aiTarget: { kind: 'dialplan', context: 'ai-handoff', extension: 's', priority: 1 },
  aiContext: 'Remind them of tomorrow',
};
/** A valid body per JSON route, to be broken one field at a time. */
const VALID_BODIES: Record<string, Record<string, unknown>> = {
  'post /api/campaigns': { name: 'Generated', timezone: 'UTC', ...CAMPAIGN_SETTINGS },
  'patch /api/campaigns/{id}': CAMPAIGN_SETTINGS,
  'post /api/campaigns/{id}/stop': { cancelPending: true },
  'patch /api/recordings/{id}': { name: 'Prompt' },
  'post /api/dnc': { phone: '+14155550101', reason: 'asked' },
  'post /api/campaigns/{id}/dnc': { phone: '+14155550101' },
  'post /api/campaigns/{id}/leads': { phone: '+14155550199', customVars: { a: 'b' } },
  'post /api/leads/{id}/recycle': { mode: 'redial' },
};

/** Every field of a body, nested ones as [parent, child], plus one the schema does not know. */
function fieldsOf(valid: Record<string, unknown>): [string, string | null][] {
  const fields: [string, string | null][] = [['unknownField', null]];
  for (const [key, value] of Object.entries(valid)) {
    fields.push([key, null]);
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const child of Object.keys(value)) fields.push([key, child]);
    }
  }
  return fields;
}

const body = (key: string): fc.Arbitrary<Case['body']> => {
  const valid = VALID_BODIES[key] ?? {};
  return fc.oneof(
    fc.constant(null),
    // Near-valid JSON: one field (or one nested field) of a valid body wrong.
    fc.tuple(fc.constantFrom(...fieldsOf(valid)), hostileJson).map(([[field, child], value]) => {
      const broken = structuredClone(valid);
      broken[field] = child === null ? value : { ...(broken[field] as object), [child]: value };
      return { contentType: 'application/json', text: JSON.stringify(broken) };
    }),
    hostileJson.map((value) => ({
      contentType: 'application/json',
      text: JSON.stringify(value) ?? '',
    })),
    fc.record({
      contentType: fc.constantFrom(
        'application/json',
        'application/json; charset=utf-16',
        'text/csv',
        'multipart/form-data',
        'multipart/form-data; boundary=x',
        'audio/basic',
        'application/octet-stream',
        'application/x-www-form-urlencoded',
        'text/plain',
        null,
      ),
      text: fc.oneof(
        fc.constantFrom('{', '{"name":', '\u0000', 'phone\n+14155550101\n', '--x\r\n\r\n--x--'),
        fc
          .array(hostileString, { maxLength: 5 })
          .map((cells) => `phone,name\n${cells.join(',')}\n`),
        fc.string({ unit: 'binary', maxLength: 200 }),
      ),
    }),
  );
};

/** A path segment as a client would send it; lone surrogates cannot be URI-encoded. */
function segment(id: string): string {
  try {
    return encodeURIComponent(id);
  } catch {
    return '%ED%A0%80';
  }
}

function caseOf(operation: Operation): fc.Arbitrary<Case> {
  const params = operation.path.match(/\{\w+\}/g) ?? [];
  return fc.record({
    operation: fc.constant(operation),
    // Real ids half the time, so that requests get past the lookup to the checks behind it.
    ids: fc.tuple(
      ...params.map(() =>
        fc.oneof(fc.constantFrom('campaign-reminders', 'lead-1', 'lead-2', 'rec-1'), hostileString),
      ),
    ),
    query: fc.array(
      fc.tuple(fc.constantFrom(...operation.query, 'unknown', 'limit'), hostileString),
      { maxLength: 3 },
    ),
    // Malformed percent escapes, which a decoder may throw on.
    rawQuery: fc.option(fc.constantFrom('%', '%E0%A4%A', 'limit=%FF', 'q=%00&q=1'), { freq: 8 }),
    body: body(`${operation.method} ${operation.path}`),
  });
}

async function send(x: ApiHarness, c: Case) {
  let i = 0;
  const path = c.operation.path.replace(/\{\w+\}/g, () => segment(c.ids[i++] ?? ''));
  const query = new URLSearchParams(c.query).toString();
  const search = c.rawQuery ?? query;
  const headers: Record<string, string> = {};
  // A GET or DELETE with a body is not HTTP a client can send (fetch refuses it).
  const body = c.operation.method === 'get' ? null : c.body;
  if (body?.contentType) headers['content-type'] = body.contentType;
  const response = await x.app.request(`${path}${search ? `?${search}` : ''}`, {
    method: c.operation.method.toUpperCase(),
    headers,
    ...(body === null ? {} : { body: body.text }),
  });
  if (response.headers.get('content-type')?.startsWith('text/event-stream')) {
    await response.body?.cancel();
    return { status: response.status, type: 'text/event-stream', text: '' };
  }
  return {
    status: response.status,
    type: response.headers.get('content-type') ?? '',
    text: await response.text(),
  };
}

describe('generated bad requests over every route', () => {
  let x: ApiHarness;
  let operations: Operation[];
  beforeAll(async () => {
    x = await createApiHarness({ leads: 3 });
    const doc = operationsSchema.parse(openApiOf(await x.call('GET', '/api/openapi.json')));
    operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({
        method,
        path,
        query: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
      })),
    );
  });
  afterAll(async () => {
    await x?.close();
  });

  it('answers none with a 5xx, and every error in the documented shape', async () => {
    expect(operations.length).toBeGreaterThan(40);
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...operations).chain(caseOf), async (c) => {
        const response = await send(x, c);
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        // /health takes no input; its 503 is the state of this harness (no scheduler loop).
        if (c.operation.path === '/health') {
          expect([200, 503]).toContain(response.status);
          return;
        }
        expect(response.status, response.text).toBeLessThan(500);
        if (response.status < 400) return;
        expect(response.type).toMatch(/^application\/json/);
        const error = errorBodySchema.parse(JSON.parse(response.text));
        expect(API_ERROR_STATUS[error.error.code]).toBe(response.status);
        expect(error.error.message).not.toBe('');
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    // The run reached the routes' own checks, not only the router's 404s.
    expect(statuses.get(400) ?? 0).toBeGreaterThan(RUNS / 10);
    expect(statuses.get(200) ?? 0).toBeGreaterThan(0);
  }, 60_000);
});
