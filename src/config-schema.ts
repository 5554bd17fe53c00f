/**
 * The settings a process may be given: each one's environment variable with its type,
 * range and default, and the rules between them. What they resolve to, the `Config` a
 * process runs with, is src/config.ts; the words of the reference, src/config-reference.ts.
 */
import * as z from 'zod/mini';
import english from 'zod/v4/locales/en.js';
import { DEFAULT_HOP_WAIT_MS } from './campaign/amd-parameters.js';
import { parseBlackoutList } from './campaign/blackout-dates.js';
import { checkDialString } from './campaign/dial-string.js';

// zod/mini carries no messages of its own: the full zod's English ones, as before.
z.config(english());

/**
 * Connections of a node's PostgreSQL pool unless set: enough for about 100 live calls
 * (10 ran short at 100 in the failover test, ADR 025), and four such nodes fit in
 * PostgreSQL's default `max_connections` (100, three of them kept for superusers).
 */
export const DEFAULT_DB_POOL_SIZE = 20;

const nonEmpty = z.string().check(z.trim(), z.minLength(1, 'must not be empty'));
/** A whole number given as text (as every environment variable is), from `min` to `max`. */
const wholeNumber = (min: number, max: number) =>
  z.coerce.number().check(z.int(), z.minimum(min), z.maximum(max));
/** Most attempts to one number in a rolling window, across campaigns; 0 = no limit. */
const callCap = z._default(wholeNumber(0, 1_000), 0);
/** Text of letters, digits, "-" or "_": a name Asterisk takes as it is. */
const plainName = z
  .string()
  .check(z.regex(/^[A-Za-z0-9_-]+$/, 'must be letters, digits, "-" or "_"'));

/**
 * Every setting, by its environment variable name, with its type, range and default.
 * `docs/configuration.md` is generated from it (src/config-reference-page.ts). Written with
 * zod/mini, which a bundle keeps to what it uses: the full zod costs every command that
 * reads the settings ~10 MB more of RSS (docs/BENCHMARKS.md, "CLI start-up").
 */
export const CONFIG_SCHEMA = z.object({
  DIALSTATE_ARI_URL: z.optional(z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' })),
  DIALSTATE_ARI_USER: z._default(nonEmpty, 'dialstate'),
  DIALSTATE_ARI_PASSWORD: z._default(z.string(), ''),
  DIALSTATE_ARI_APP: z._default(plainName, 'dialstate'),
  DIALSTATE_PBX_FILE: z.optional(nonEmpty),
  DIALSTATE_SIM_PBXS: z._default(wholeNumber(1, 16), 1),
  DIALSTATE_DIAL_CONTEXT: z._default(nonEmpty, 'from-internal'),
  DIALSTATE_DIAL_STRING: z.optional(
    z.string().check(
      z.superRefine((template, ctx) => {
        const check = checkDialString(template);
        if (!check.ok) ctx.addIssue({ code: 'custom', message: check.problems.join('; ') });
      }),
    ),
  ),
  DIALSTATE_HANDOFF_SETTLE_MS: z.optional(wholeNumber(0, 60_000)),
  DIALSTATE_HOP_WAIT_MS: z._default(wholeNumber(0, 600_000), DEFAULT_HOP_WAIT_MS),
  DIALSTATE_AAVA_HANDOFF_CONTEXT: z._default(plainName, 'dialstate-aava-handoff'),
  AAVA_OUTBOUND_EXTENSION_IDENTITY: z._default(
    z.string().check(z.regex(/^[0-9]+$/, 'must be an extension number')),
    '6789',
  ),
  AAVA_OUTBOUND_AMD_CONTEXT: z._default(nonEmpty, 'aava-outbound-amd'),
  AAVA_MEDIA_DIR: z.optional(nonEmpty),
  DIALSTATE_DATA_DIR: z._default(nonEmpty, 'data'),
  DIALSTATE_DB_PATH: z.optional(nonEmpty),
  // The message never repeats the value: it may hold a password.
  DIALSTATE_DATABASE_URL: z.optional(
    nonEmpty.check(
      z.refine(
        (url) => /^postgres(ql)?:\/\/[^\s]+$/.test(url),
        'must be a PostgreSQL URL: postgres://user:password@host:5432/database (or postgresql://…)',
      ),
    ),
  ),
  DIALSTATE_DB_SYNCHRONOUS: z._default(z.enum(['NORMAL', 'FULL']), 'FULL'),
  DIALSTATE_DB_CHECKPOINTS: z._default(z.enum(['background', 'automatic']), 'background'),
  DIALSTATE_DB_WAL_SYNC: z._default(z.enum(['auto', 'commit', 'thread-pool']), 'auto'),
  DIALSTATE_DB_BUSY_TIMEOUT_MS: z._default(wholeNumber(0, 60_000), 5_000),
  DIALSTATE_DB_UNWRITABLE_AFTER_MS: z._default(wholeNumber(100, 600_000), 10_000),
  DIALSTATE_NODE_ID: z.optional(
    z
      .string()
      .check(
        z.regex(
          /^[A-Za-z0-9._-]{1,64}$/,
          'must be 1 to 64 letters, digits, dots, dashes or underscores',
        ),
      ),
  ),
  DIALSTATE_NODE_LEASE_MS: z._default(wholeNumber(1_500, 600_000), 15_000),
  // Two at least: the lease's heartbeat must not wait behind a long import merge.
  DIALSTATE_DB_POOL_SIZE: z._default(wholeNumber(2, 1_000), DEFAULT_DB_POOL_SIZE),
  DIALSTATE_HTTP_HOST: z._default(nonEmpty, '127.0.0.1'),
  DIALSTATE_HTTP_PORT: z._default(wholeNumber(0, 65535), 3000),
  DIALSTATE_API_TOKEN: z.optional(
    z.string().check(
      z.minLength(16, 'must be at least 16 characters'),
      z.superRefine((token, ctx) => {
        const problem = apiTokenProblem(token);
        if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
      }),
    ),
  ),
  DIALSTATE_MAX_CHANNELS: z._default(wholeNumber(1, 10_000), 10),
  DIALSTATE_CAP_PER_24H: callCap,
  DIALSTATE_CAP_PER_7D: callCap,
  DIALSTATE_CAP_PER_30D: callCap,
  DIALSTATE_BLACKOUT_DATES: z._default(
    z.string().check(
      z.superRefine((text, ctx) => {
        const parsed = parseBlackoutList(text);
        if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.problems.join('; ') });
      }),
    ),
    '',
  ),
  DIALSTATE_CIRCUIT_BREAKER_FAILURES: z._default(wholeNumber(1, 1_000), 5),
  DIALSTATE_ABANDON_THRESHOLD_MS: z._default(wholeNumber(0, 60_000), 2_000),
  DIALSTATE_SIM_TIME_SCALE: z._default(z.coerce.number().check(z.minimum(0.001), z.maximum(1)), 1),
  DIALSTATE_LOG_LEVEL: z._default(
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    'info',
  ),
});

/** Why the API token cannot protect the API, or null. */
function apiTokenProblem(token: string): string | null {
  // Checked before the length: 16 spaces would otherwise pass as a token of 16 characters.
  if (token.trim() === '') return 'is blank; set a long random secret, or unset it';
  // Clients' tokens are trimmed when compared: this one could never match.
  if (token.trim() !== token) {
    return 'must not start or end with spaces (a quoting mistake in the .env file?)';
  }
  if (/\p{Cc}/u.test(token)) return 'must not contain control characters';
  return null;
}

/** Host names of this machine only: an API listening on one needs no token. */
const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/** The rules between settings, read from the text given: one problem per rule broken. */
export function crossProblems(given: Readonly<Record<string, string | undefined>>): string[] {
  const problems: string[] = [];
  const host = given.DIALSTATE_HTTP_HOST?.trim() || '127.0.0.1';
  if (!given.DIALSTATE_API_TOKEN && !LOOPBACK.has(host)) {
    problems.push(
      `DIALSTATE_HTTP_HOST: ${host} is not loopback; set DIALSTATE_API_TOKEN to expose the API`,
    );
  }
  if (given.DIALSTATE_ARI_URL && !given.DIALSTATE_ARI_PASSWORD) {
    problems.push('DIALSTATE_ARI_PASSWORD: required when DIALSTATE_ARI_URL is set');
  }
  if (given.DIALSTATE_PBX_FILE && given.DIALSTATE_ARI_URL) {
    problems.push(
      'DIALSTATE_PBX_FILE: the PBX file lists every PBX; unset DIALSTATE_ARI_URL (or the file)',
    );
  }
  const simulators = Number(given.DIALSTATE_SIM_PBXS ?? '1');
  if (simulators > 1 && (given.DIALSTATE_ARI_URL || given.DIALSTATE_PBX_FILE)) {
    problems.push(
      'DIALSTATE_SIM_PBXS: embedded simulators are for a process without DIALSTATE_ARI_URL or DIALSTATE_PBX_FILE',
    );
  }
  return problems;
}
