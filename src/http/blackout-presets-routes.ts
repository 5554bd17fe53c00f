import { createRoute, z } from '@hono/zod-openapi';
import { usFederalHolidays } from '../compliance/holiday-presets.js';
import { createRouter } from './api-router.js';
import { blackoutDateSchema } from './campaign-schemas.js';
import { jsonResponse } from './openapi-content.js';

const presetSchema = z
  .object({
    id: z.string().openapi({ example: 'us-federal' }),
    name: z.string(),
    description: z.string(),
    blackoutDates: z.array(blackoutDateSchema).openapi({
      description: "Ready for a campaign's blackoutDates",
    }),
    setting: z.string().openapi({
      description: 'The same days as a DIALSTATE_BLACKOUT_DATES value',
      example: '2027-01-01,2027-01-18',
    }),
  })
  .openapi('BlackoutPreset');

const query = z.object({
  from: z.coerce
    .number()
    .int()
    .min(2000)
    .max(2200)
    .optional()
    .openapi({ description: 'First year; default the current year (UTC)', example: 2027 }),
  years: z.coerce
    .number()
    .int()
    .min(1)
    .max(10)
    .default(3)
    .openapi({ description: 'How many years, 1 to 10' }),
});

const route = createRoute({
  method: 'get',
  path: '/',
  tags: ['Compliance'],
  summary: 'Blackout-date presets to copy',
  description:
    "Holiday calendars computed from their rules, ready to paste into a campaign's `blackoutDates` or the server's `DIALSTATE_BLACKOUT_DATES`. Which days to keep free of calls stays the operator's decision.",
  request: { query },
  responses: { 200: jsonResponse(z.array(presetSchema), 'The presets for the years asked') },
});

/** `GET /api/blackout-presets`. */
export function blackoutPresetsRoutes(now: () => number = Date.now) {
  return createRouter().openapi(route, (c) => {
    const { from, years } = c.req.valid('query');
    const preset = usFederalHolidays(from ?? new Date(now()).getUTCFullYear(), years);
    const setting = preset.blackoutDates.map((entry) => entry.from).join(',');
    return c.json([{ ...preset, setting }], 200);
  });
}
