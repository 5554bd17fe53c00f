import { hostname } from 'node:os';
import path from 'node:path';
import { type BlackoutDate, parseBlackoutList } from './campaign/blackout-dates.js';
import { defaultDialString } from './campaign/dial-string.js';
import type { FrequencyCaps } from './campaign/frequency-caps.js';
import { CONFIG_SCHEMA, crossProblems } from './config-schema.js';
import { type PbxConfig, pbxsFromEnvironment, readPbxFile } from './pbx-config.js';

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
     * (`commit`), libuv's thread pool after it, the event loop going on (`thread-pool`,
     * ADR 037), or the first while it is quick and the second while the disk is slow
     * (`auto`, ADR 052).
     */
    readonly walSync: 'auto' | 'commit' | 'thread-pool';
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
 * The Stasis app of node `nodeId` among nodes sharing a database: `<app>-<nodeId>`.
 * Asterisk gives an app name to one websocket only, so two nodes under one name would
 * take it from each other in turn; a name per node also tells the node that takes a
 * dead node's calls over which app their events go to.
 */
export function nodeAppName(app: string, nodeId: string): string {
  return `${app}-${nodeId}`;
}

/** The entries of a blackout list the schema has already checked. */
function blackoutsOf(text: string): BlackoutDate[] {
  const parsed = parseBlackoutList(text);
  return parsed.ok ? parsed.entries : [];
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
