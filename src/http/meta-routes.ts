import { createRoute, z } from '@hono/zod-openapi';
import { DEFAULT_AMD_PARAMETERS } from '../campaign/amd-parameters.js';
import { CAMPAIGN_DEFAULTS } from '../campaign/campaign-defaults.js';
import { DIAL_PLACEHOLDERS, DIAL_TECHNOLOGIES } from '../campaign/dial-string.js';
import { ATTEMPT_OUTCOMES } from '../machines/attempt-types.js';
import { createRouter } from './api-router.js';
import { campaignSettingsSchema } from './campaign-schemas.js';
import { jsonResponse } from './openapi-content.js';

const amdSchema = campaignSettingsSchema.shape.amd.omit({ notSureAs: true });

const metaSchema = z
  .object({
    serverTimeZone: z.string().openapi({
      description: "The server's IANA time zone (the campaigns' own zones decide their windows).",
      example: 'Europe/London',
    }),
    campaignDefaults: campaignSettingsSchema.omit({ name: true, timezone: true }).openapi({
      description: 'What a new campaign gets for each setting its creator leaves out.',
    }),
    amdDefaults: amdSchema.openapi({
      description: 'The nine AMD() arguments dialstate starts with.',
    }),
    outcomes: z
      .array(z.enum(ATTEMPT_OUTCOMES))
      .openapi({ description: 'Every outcome an attempt can end with.' }),
    dialTechnologies: z.array(z.enum(DIAL_TECHNOLOGIES)),
    dialPlaceholders: z
      .array(z.object({ name: z.string(), meaning: z.string() }))
      .openapi({ description: 'The number forms a dial string can use, as `{name}`.' }),
  })
  .openapi('Meta');

export type Meta = z.infer<typeof metaSchema>;

const route = createRoute({
  method: 'get',
  path: '/',
  tags: ['Meta'],
  summary: 'The vocabulary and defaults clients build forms from',
  description:
    'Campaign and AMD defaults, the attempt outcomes, the dial-string placeholders and the server time zone: what the web UI would otherwise keep a copy of.',
  responses: { 200: jsonResponse(metaSchema, 'The server’s defaults and vocabulary') },
});

/** The process's time zone (from TZ or the system), as the server's clocks read it. */
export function systemTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** `GET /api/meta`: domain data the web UI reads instead of keeping copies. */
export function metaRoutes(
  options: { serverTimeZone: string } = { serverTimeZone: systemTimeZone() },
) {
  const meta: Meta = {
    serverTimeZone: options.serverTimeZone,
    campaignDefaults: CAMPAIGN_DEFAULTS,
    amdDefaults: DEFAULT_AMD_PARAMETERS,
    outcomes: [...ATTEMPT_OUTCOMES],
    dialTechnologies: [...DIAL_TECHNOLOGIES],
    dialPlaceholders: Object.entries(DIAL_PLACEHOLDERS).map(([name, meaning]) => ({
      name,
      meaning,
    })),
  };
  return createRouter().openapi(route, (c) => c.json(meta, 200));
}
