import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { parseEnv } from 'node:util';
import * as z from 'zod/mini';
import english from 'zod/v4/locales/en.js';
import { DEFAULT_HOP_WAIT_MS } from './campaign/amd-parameters.js';
import { type BlackoutDate, parseBlackoutList } from './campaign/blackout-dates.js';
import { checkDialString, defaultDialString } from './campaign/dial-string.js';
import type { FrequencyCaps } from './campaign/frequency-caps.js';
import { type PbxConfig, pbxsFromEnvironment, readPbxFile } from './pbx-config.js';

// zod/mini carries no messages of its own: the full zod's English ones, as before.
z.config(english());

/** Thrown when the environment does not describe a usable configuration. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** The whole validated configuration. Read once at start; never from process.env later. */
export interface Config {
  readonly ari: {
    /** Base URL of Asterisk's HTTP server, e.g. `http://127.0.0.1:8088`; null = embedded simulator. */
    readonly url: string | null;
    readonly user: string;
    readonly password: string;
    /** Our Stasis application's name. */
    readonly app: string;
  };
  /**
   * Every PBX calls are placed on, in the order given (the first takes attempts that
   * name none): the one of `ari`, the embedded simulators, or those of the PBX file.
   */
  readonly pbxs: readonly PbxConfig[];
  /** Where the PBXs came from: `DIALSTATE_PBX_FILE`'s path, or null for the environment. */
  readonly pbxFile: string | null;
  readonly dial: {
    /** Dialplan context of `Local/<number>@<context>` originates. */
    readonly context: string;
    /** Extension FreePBX should treat the call as coming from (AMPUSER). */
    readonly outboundIdentity: string;
    /** Context that runs `AMD()` and returns to Stasis. */
    readonly amdContext: string;
    /** Dial-string template of campaigns that set none (src/campaign/dial-string.ts). */
    readonly dialString: string;
    /** The rendered context that hands calls to AAVA with `Stasis(<app>)`. */
    readonly aavaHandoffContext: string;
    /**
     * How long the AI target must keep a call before the hand-off counts (ms); null = the
     * machine's default (2 s), scaled with the embedded simulator's time.
     */
    readonly handOffSettleMs: number | null;
    /**
     * How long the AMD hop keeps an answered caller while dialstate is not connected,
     * e.g. restarting, before it hangs up (ms, as the PBX counts it).
     */
    readonly hopWaitMs: number;
  };
  /** Folder of recordings Asterisk can play. */
  readonly mediaDir: string;
  readonly db: {
    /**
     * The PostgreSQL database (`postgres://…`), or null for SQLite at `path`. Holds its
     * password: show it only through `maskDatabaseUrl`.
     */
    readonly url: string | null;
    readonly path: string;
    readonly synchronous: 'NORMAL' | 'FULL';
    /**
     * Who copies SQLite's write-ahead log into the database file: a thread of its own
     * (`background`), or the connection inside the commit that fills it (`automatic`).
     */
    readonly checkpoints: 'background' | 'automatic';
    /**
     * Who syncs the journal's commits to disk under `FULL`: SQLite inside COMMIT
     * (`commit`), or libuv's thread pool after it, the event loop going on (`thread-pool`,
     * ADR 037).
     */
    readonly walSync: 'commit' | 'thread-pool';
    /** How long a write waits for another connection's lock before failing (ms). */
    readonly busyTimeoutMs: number;
    /**
     * How long writes may keep failing before the process reports storage unwritable,
     * stops claiming and answers 503 on `/health` (ms).
     */
    readonly unwritableAfterMs: number;
    /**
     * This node's name among the nodes sharing a PostgreSQL database: it owns the calls
     * it claims, and a restart under the same name resumes them (ADR 025).
     */
    readonly nodeId: string;
    /**
     * How long a node counts as alive after its last heartbeat (ms); it beats three
     * times per lease. Another node takes its open calls over once it has expired.
     */
    readonly nodeLeaseMs: number;
    /**
     * Most connections this node opens to the PostgreSQL database (its pool's size);
     * unused with SQLite.
     */
    readonly poolSize: number;
  };
  readonly http: { readonly host: string; readonly port: number; readonly apiToken: string | null };
  /** Most live calls across all campaigns. */
  readonly maxChannels: number;
  /** What every campaign's calls obey besides its own settings. */
  readonly compliance: {
    /** Days with no calling at all, in each callee's local calendar. */
    readonly blackoutDates: readonly BlackoutDate[];
    /** Most attempts to one number across campaigns per rolling window; null = off. */
    readonly frequencyCaps: FrequencyCaps;
  };
  /** Calls in a row that fail before an answer and so pause their campaign (circuit breaker). */
  readonly circuitBreakerFailures: number;
  /**
   * How soon after the end of their greeting a person must be attended for the call not
   * to count as abandoned (ms): the 2 s of the US TSR and Ofcom.
   */
  readonly abandonThresholdMs: number;
  /**
   * Real ms per scenario ms of the embedded simulator: 1 is real time, 0.1 ten times
   * faster. Only for the simulator (demos, tests); a real Asterisk ignores it.
   */
  readonly simTimeScale: number;
  readonly logLevel: LogLevel;
}

/**
 * Connections of a node's PostgreSQL pool unless set: enough for about 100 live calls
 * (10 ran short at 100 in the failover test, ADR 025), and four such nodes fit in
 * PostgreSQL's default `max_connections` (100, three of them kept for superusers).
 */
export const DEFAULT_DB_POOL_SIZE = 20;

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

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
 * `docs/configuration.md` is generated from it (src/config-reference.ts). Written with
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
  DIALSTATE_DB_WAL_SYNC: z._default(z.enum(['commit', 'thread-pool']), 'commit'),
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

/** The entries of a blackout list the schema has already checked. */
/**
 * The Stasis app of node `nodeId` among nodes sharing a database: `<app>-<nodeId>`.
 * Asterisk gives an app name to one websocket only, so two nodes under one name would
 * take it from each other in turn; a name per node also tells the node that takes a
 * dead node's calls over which app their events go to.
 */
export function nodeAppName(app: string, nodeId: string): string {
  return `${app}-${nodeId}`;
}

function blackoutsOf(text: string): BlackoutDate[] {
  const parsed = parseBlackoutList(text);
  return parsed.ok ? parsed.entries : [];
}

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

function crossProblems(given: Readonly<Record<string, string | undefined>>): string[] {
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

/** Where the media lives when nothing is configured and Asterisk is real. */
export const DEFAULT_MEDIA_DIR = '/mnt/asterisk_media/ai-generated';

/**
 * Validates the environment once and returns the configuration.
 *
 * @throws ConfigError listing every problem found, not just the first.
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): Config {
  // Empty strings mean "not set", as in most .env files.
  const present = Object.fromEntries(
    Object.entries(env).filter(([, v]) => v !== undefined && v !== ''),
  );
  const parsed = CONFIG_SCHEMA.safeParse(present);
  // The PBX file is read even when other settings are wrong: one run reports its
  // problems with theirs.
  const pbxFile = present.DIALSTATE_PBX_FILE?.trim();
  const fromFile =
    pbxFile === undefined
      ? null
      : readPbxFile(pbxFile, {
          user: parsed.data?.DIALSTATE_ARI_USER ?? 'dialstate',
          app: parsed.data?.DIALSTATE_ARI_APP ?? 'dialstate',
          maxChannels: parsed.data?.DIALSTATE_MAX_CHANNELS ?? 10,
        });
  // The rules between settings are checked on what was given, so that one run reports
  // them together with the problems of single settings.
  const problems = [
    ...(parsed.success
      ? []
      : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)),
    ...crossProblems(present),
    ...(fromFile !== null && !fromFile.ok ? fromFile.problems : []),
  ];
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const e = parsed.data;
  const nodeId = e.DIALSTATE_NODE_ID ?? hostname();
  // Nodes sharing a database may share a PBX too: each needs a Stasis app of its own
  // there (fact 22), so the app gets the node's name (ADR 025, "One app per node").
  const appOf = (app: string): string =>
    e.DIALSTATE_DATABASE_URL === undefined ? app : nodeAppName(app, nodeId);
  const ari = {
    url: e.DIALSTATE_ARI_URL ?? null,
    user: e.DIALSTATE_ARI_USER,
    password: e.DIALSTATE_ARI_PASSWORD,
    app: appOf(e.DIALSTATE_ARI_APP),
  };

  const pbxs =
    fromFile?.ok === true
      ? fromFile.pbxs.map((pbx) => Object.freeze({ ...pbx, app: appOf(pbx.app) }))
      : pbxsFromEnvironment(ari, e.DIALSTATE_MAX_CHANNELS, e.DIALSTATE_SIM_PBXS);
  const embedded = pbxs.every((pbx) => pbx.url === null);
  return Object.freeze({
    ari: Object.freeze(ari),
    pbxs: Object.freeze(pbxs),
    pbxFile: pbxFile ?? null,
    dial: Object.freeze({
      context: e.DIALSTATE_DIAL_CONTEXT,
      outboundIdentity: e.AAVA_OUTBOUND_EXTENSION_IDENTITY,
      amdContext: e.AAVA_OUTBOUND_AMD_CONTEXT,
      dialString: e.DIALSTATE_DIAL_STRING ?? defaultDialString(e.DIALSTATE_DIAL_CONTEXT),
      aavaHandoffContext: e.DIALSTATE_AAVA_HANDOFF_CONTEXT,
      handOffSettleMs: e.DIALSTATE_HANDOFF_SETTLE_MS ?? null,
      hopWaitMs: e.DIALSTATE_HOP_WAIT_MS,
    }),
    // The embedded simulator plays media from the data folder: no real Asterisk reads it.
    mediaDir:
      e.AAVA_MEDIA_DIR ?? (embedded ? path.join(e.DIALSTATE_DATA_DIR, 'media') : DEFAULT_MEDIA_DIR),
    db: Object.freeze({
      url: e.DIALSTATE_DATABASE_URL ?? null,
      path: e.DIALSTATE_DB_PATH ?? path.join(e.DIALSTATE_DATA_DIR, 'dialstate.db'),
      synchronous: e.DIALSTATE_DB_SYNCHRONOUS,
      checkpoints: e.DIALSTATE_DB_CHECKPOINTS,
      walSync: e.DIALSTATE_DB_WAL_SYNC,
      busyTimeoutMs: e.DIALSTATE_DB_BUSY_TIMEOUT_MS,
      unwritableAfterMs: e.DIALSTATE_DB_UNWRITABLE_AFTER_MS,
      // The host's name: stable across restarts, so a restarted node resumes its own calls.
      nodeId,
      nodeLeaseMs: e.DIALSTATE_NODE_LEASE_MS,
      poolSize: e.DIALSTATE_DB_POOL_SIZE,
    }),
    http: Object.freeze({
      host: e.DIALSTATE_HTTP_HOST,
      port: e.DIALSTATE_HTTP_PORT,
      apiToken: e.DIALSTATE_API_TOKEN ?? null,
    }),
    maxChannels: e.DIALSTATE_MAX_CHANNELS,
    compliance: {
      blackoutDates: blackoutsOf(e.DIALSTATE_BLACKOUT_DATES),
      frequencyCaps: {
        per24h: e.DIALSTATE_CAP_PER_24H || null,
        per7d: e.DIALSTATE_CAP_PER_7D || null,
        per30d: e.DIALSTATE_CAP_PER_30D || null,
      },
    },
    circuitBreakerFailures: e.DIALSTATE_CIRCUIT_BREAKER_FAILURES,
    abandonThresholdMs: e.DIALSTATE_ABANDON_THRESHOLD_MS,
    simTimeScale: e.DIALSTATE_SIM_TIME_SCALE,
    logLevel: e.DIALSTATE_LOG_LEVEL,
  });
}

/** Where a setting's value came from. */
export type SettingSource = 'option' | 'environment' | 'file' | 'default';

/** The settings this process is given, merged, with where each came from. */
export interface ProcessEnvironment {
  env: Record<string, string | undefined>;
  sourceOf(name: string): SettingSource;
}

/**
 * The environment of this process as settings: `overrides` (command-line options) first,
 * then the process environment, then `envFile` (a `KEY=value` file like systemd's
 * `EnvironmentFile`), given as `--config FILE`: not `--env-file`, which Node 20 takes
 * for itself from anywhere on the command line. The only reader of `process.env`.
 *
 * @throws ConfigError when the file cannot be read.
 */
export function readProcessEnvironment(
  options: { overrides?: Readonly<Record<string, string>>; envFile?: string } = {},
): ProcessEnvironment {
  let file: Record<string, string | undefined> = {};
  if (options.envFile !== undefined) {
    try {
      file = parseEnv(readFileSync(options.envFile, 'utf8'));
    } catch (error) {
      throw new ConfigError([
        `--config: cannot read ${options.envFile}: ${(error as Error).message}`,
      ]);
    }
  }
  const overrides = options.overrides ?? {};
  const given = (value: string | undefined) => value !== undefined && value !== '';
  return {
    env: { ...file, ...process.env, ...overrides },
    sourceOf: (name) =>
      given(overrides[name])
        ? 'option'
        : given(process.env[name])
          ? 'environment'
          : given(file[name])
            ? 'file'
            : 'default',
  };
}

/**
 * Loads the configuration of this process (see {@link readProcessEnvironment}).
 *
 * @throws ConfigError listing every problem found.
 */
export function loadProcessConfig(
  options: { overrides?: Readonly<Record<string, string>>; envFile?: string } = {},
): Config {
  return loadConfig(readProcessEnvironment(options).env);
}
