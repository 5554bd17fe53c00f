import { IANAZone } from 'luxon';
import { describe, expect, it } from 'vitest';
import { CAMPAIGN_DEFAULTS } from '../../src/campaign/campaign-defaults.js';
import { DIAL_PLACEHOLDERS } from '../../src/campaign/dial-string.js';
import { ATTEMPT_OUTCOMES } from '../../src/machines/attempt-types.js';
import type { Campaign } from '../../web/src/api/api-types.js';
import { apiHarnessPerTest } from '../support/api-harness.js';

const setUp = apiHarnessPerTest();
const TOKEN = 'a-long-enough-secret-token';
const auth = { authorization: `Bearer ${TOKEN}` };

describe('GET /api/meta', () => {
  it('serves the defaults a new campaign gets, so a form built from them changes nothing', async () => {
    const x = await setUp();
    const meta = await x.ok('$get', '/meta', {});
    expect(meta.campaignDefaults).toEqual(CAMPAIGN_DEFAULTS);
    const { notSureAs: _, ...amd } = CAMPAIGN_DEFAULTS.amd;
    expect(meta.amdDefaults).toEqual(amd);

    // What the web UI's editor does: the defaults as they came, plus a name and a zone.
    const fromForm = await x.api('$post', '/campaigns', {
      json: { ...meta.campaignDefaults, name: 'From the form', timezone: 'Europe/London' },
    });
    const bare = await x.ok('$post', '/campaigns', {
      json: { name: 'Bare', timezone: 'Europe/London' },
    });
    expect(fromForm.status).toBe(201);
    if (!fromForm.ok) throw new Error(fromForm.body.error.message);
    const settings = (campaign: Campaign) => {
      const { id: _id, name: _name, createdAt: _c, updatedAt: _u, ...rest } = campaign;
      return rest;
    };
    expect(settings(fromForm.body)).toEqual(settings(bare));
  });

  it('names every outcome, dial-string placeholder and the server’s time zone', async () => {
    const x = await setUp();
    const body = await x.ok('$get', '/meta', {});
    expect(body.outcomes).toEqual([...ATTEMPT_OUTCOMES]);
    expect(body.dialPlaceholders.map((p) => p.name)).toEqual(Object.keys(DIAL_PLACEHOLDERS));
    expect(body.dialTechnologies).toContain('PJSIP');
    expect(IANAZone.isValidZone(body.serverTimeZone)).toBe(true);
  });

  it('needs the token like the rest of the API', async () => {
    const x = await setUp({ apiToken: TOKEN });
    expect((await x.api('$get', '/meta', {})).status).toBe(401);
    expect((await x.api('$get', '/meta', {}, auth)).status).toBe(200);
  });
});
