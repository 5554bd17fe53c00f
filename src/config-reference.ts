import type { CONFIG_SCHEMA } from './config-schema.js';

/** The name of a setting: its environment variable. */
export type SettingName = keyof typeof CONFIG_SCHEMA.shape;

/** What the reference says of one setting besides what the schema already knows. */
export interface SettingDoc {
  group: 'Asterisk ARI' | 'Dialplan and media' | 'Storage' | 'HTTP API' | 'Engine' | 'Compliance';
  /** What it changes, in a sentence or two. */
  description: string;
  /** The default when the schema cannot say it (it depends on other settings). */
  defaultText?: string;
  /** Shown masked by `dialstate config check`. */
  secret?: boolean;
}

/**
 * One entry per setting of {@link CONFIG_SCHEMA}: the type makes a setting without words
 * (or words without a setting) a compile error, so the reference cannot drift.
 */
export const SETTING_DOCS: { readonly [name in SettingName]: SettingDoc } = {
  DIALSTATE_ARI_URL: {
    group: 'Asterisk ARI',
    description:
      "Base URL of Asterisk's HTTP server, without `/ari` (`http://127.0.0.1:8088`). Unset: the embedded simulated Asterisk is the PBX and no real call is placed.",
    defaultText: 'unset (embedded simulator)',
  },
  DIALSTATE_ARI_USER: { group: 'Asterisk ARI', description: 'ARI user (`ari.conf`).' },
  DIALSTATE_ARI_PASSWORD: {
    group: 'Asterisk ARI',
    description: 'Password of the ARI user; required when `DIALSTATE_ARI_URL` is set.',
    secret: true,
  },
  DIALSTATE_ARI_APP: {
    group: 'Asterisk ARI',
    description:
      'Name of our Stasis application; the dialplan returns calls to it. One per dialstate process: with `DIALSTATE_DATABASE_URL` set, the node id is added (`dialstate-<DIALSTATE_NODE_ID>`), so nodes sharing one database can share one PBX.',
  },
  DIALSTATE_PBX_FILE: {
    group: 'Asterisk ARI',
    description:
      'A YAML or JSON file listing several Asterisk servers (see "Several PBXs" below); instead of `DIALSTATE_ARI_URL`. `DIALSTATE_ARI_USER`, `DIALSTATE_ARI_APP` and `DIALSTATE_MAX_CHANNELS` are the defaults of entries that leave them out. Every problem of the file is reported at start, passwords never shown.',
    defaultText: 'unset (the one PBX of `DIALSTATE_ARI_URL`)',
  },
  DIALSTATE_SIM_PBXS: {
    group: 'Asterisk ARI',
    description:
      'Without `DIALSTATE_ARI_URL` or `DIALSTATE_PBX_FILE`: how many embedded simulated Asterisk servers to start (named `sim-1`, `sim-2`…), for demos and tests of several PBXs.',
  },
  DIALSTATE_DIAL_CONTEXT: {
    group: 'Dialplan and media',
    description: 'Context of the `Local/<number>@<context>` channels dialstate originates.',
  },
  DIALSTATE_DIAL_STRING: {
    group: 'Dialplan and media',
    description:
      'Dial-string template of campaigns that set none: one technology, a resource and one of `{number}`, `{e164}`, `{e164digits}`, `{national}`, e.g. `PJSIP/{e164digits}@my-trunk`. An `aava` AI target needs a trunk (not `Local/`) dial string.',
    defaultText: '`Local/{number}@<DIALSTATE_DIAL_CONTEXT>`',
  },
  DIALSTATE_AAVA_HANDOFF_CONTEXT: {
    group: 'Dialplan and media',
    description:
      'The rendered context an `aava` AI target is continued into; it runs `Stasis(<AAVA app>)` with no arguments (dialplan/extensions_dialstate.conf).',
  },
  DIALSTATE_HANDOFF_SETTLE_MS: {
    group: 'Dialplan and media',
    description:
      'How long the AI target must keep a call before the hand-off counts as `answered_human` (ms); a hang-up within it is `handoff_failed`.',
    defaultText: '2000 (scaled by DIALSTATE_SIM_TIME_SCALE against the embedded simulator)',
  },
  DIALSTATE_HOP_WAIT_MS: {
    group: 'Dialplan and media',
    description:
      'How long the AMD hop keeps an answered caller on the line while dialstate is not connected (a restart) before it hangs up (ms, counted by the PBX). Give it more than a restart takes on this host: a caller it hangs up is `interrupted` and dialed again later.',
  },
  AAVA_OUTBOUND_EXTENSION_IDENTITY: {
    group: 'Dialplan and media',
    description: 'Extension FreePBX treats our calls as coming from (`AMPUSER`, `CALLERID(num)`).',
  },
  AAVA_OUTBOUND_AMD_CONTEXT: {
    group: 'Dialplan and media',
    description: 'Context that runs `AMD()` and returns the channel to our app (see `dialplan/`).',
  },
  AAVA_MEDIA_DIR: {
    group: 'Dialplan and media',
    description:
      'Folder of the recordings Asterisk plays: uploads and the default prompts are written there, and Asterisk must read it under the same path.',
    defaultText:
      '`/mnt/asterisk_media/ai-generated` with a real Asterisk; `<DIALSTATE_DATA_DIR>/media` with the simulator',
  },
  DIALSTATE_DATA_DIR: {
    group: 'Storage',
    description: 'Folder of the database and, with the simulator, of the media.',
  },
  DIALSTATE_DB_PATH: {
    group: 'Storage',
    description: 'The SQLite database file (`dialstate backup` copies it).',
    defaultText: '`<DIALSTATE_DATA_DIR>/dialstate.db`',
  },
  DIALSTATE_DATABASE_URL: {
    group: 'Storage',
    description:
      'A PostgreSQL database instead of the SQLite file (`postgres://user:password@host:5432/dialstate`, libpq parameters such as `?sslmode=require` allowed): several dialstate nodes can then share it (ADR 025). Its role must own the database (the schema adds the `citext` extension). The password is never shown: logs, `/health` and `config check` mask it. Set, the `DIALSTATE_DB_PATH`, `DIALSTATE_DB_SYNCHRONOUS`, `DIALSTATE_DB_CHECKPOINTS` and `DIALSTATE_DB_BUSY_TIMEOUT_MS` settings of SQLite do nothing.',
    defaultText: 'unset (SQLite at `DIALSTATE_DB_PATH`)',
  },
  DIALSTATE_DB_SYNCHRONOUS: {
    group: 'Storage',
    description:
      '`FULL` fsyncs every commit group and survives a power loss; `NORMAL` may lose the last commits on one (ADR 004).',
  },
  DIALSTATE_DB_CHECKPOINTS: {
    group: 'Storage',
    description:
      "Who copies SQLite's write-ahead log into the database file. `background`: a thread with its own connection, started once the log has grown to 500 pages (short commands never start it, ADR 036), so that no commit on the event loop pays for the copy and its fsyncs (a PASSIVE checkpoint past 1,000 pages of log, a RESTART past 4,000 in a gap that long background writes such as an import's merge leave for it, a TRUNCATE after 2 s without writes); if that thread ends, the connection checkpoints by itself again and a warning is logged. `automatic`: SQLite's default, the commit that takes the log past 1,000 pages copies it (ADR 033).",
  },
  DIALSTATE_DB_WAL_SYNC: {
    group: 'Storage',
    description:
      "Who syncs the call journal's commits to disk under `DIALSTATE_DB_SYNCHRONOUS=FULL`. `commit`: SQLite, inside each COMMIT, the event loop waiting for the disk (~0.1 ms on a fast idle disk). `thread-pool`: the batch is written without its sync, the log file is synced with fdatasync from libuv's thread pool, and the batch's events are acknowledged (their commands run) only after that: as durable, and the event loop takes other calls' events while a slow or busy disk syncs, at ~0.1–0.3 ms more per commit on a fast one (ADR 037). `auto` (the default): the thread pool while an import stages or merges its rows or a deleted campaign's rows are purged (their write-back makes any sync slow at any moment), and once a COMMIT has taken 10 ms or more (a disk busy with something else) until one of its syncs takes under 3 ms again; SQLite inside COMMIT otherwise (ADR 052, 055).",
  },
  DIALSTATE_DB_BUSY_TIMEOUT_MS: {
    group: 'Storage',
    description:
      "How long a write waits for another process's lock on the database before it fails and is retried (ms).",
  },
  DIALSTATE_DB_UNWRITABLE_AFTER_MS: {
    group: 'Storage',
    description:
      'How long writes may keep failing (disk full, I/O errors, a lock held elsewhere) before dialstate reports storage unwritable: it logs it, claims no new call, and /health answers 503 until writes work again (ms).',
  },
  DIALSTATE_NODE_ID: {
    group: 'Storage',
    description:
      "This node's name among the dialstate nodes sharing one PostgreSQL database (`DIALSTATE_DATABASE_URL`): each node owns the calls it claims and keeps a lease on them by a heartbeat; when a node stops beating for its lease (`DIALSTATE_NODE_LEASE_MS`), another takes its open calls over and squares them with the PBX (ADR 025). A node restarted under the same name resumes its own calls at once. Every node sharing a database needs its own name. On a shared database the node's Stasis app is `<DIALSTATE_ARI_APP>-<node id>` (and so for each PBX's app), so that nodes sharing a PBX each have theirs. Unused with SQLite.",
    defaultText: "the host's name",
  },
  DIALSTATE_NODE_LEASE_MS: {
    group: 'Storage',
    description:
      "How long a node sharing a PostgreSQL database counts as alive after its last heartbeat (ms); it beats three times per lease. Once a node's lease has expired, another node takes its open calls over: a shorter lease takes them over sooner, but a node paused longer than its lease (a long garbage collection, a cut to the database) loses its calls to another. Every node sharing a database should use the same value. Unused with SQLite.",
  },
  DIALSTATE_DB_POOL_SIZE: {
    group: 'Storage',
    description:
      "Most connections this node opens to the PostgreSQL database (`DIALSTATE_DATABASE_URL`). The journal's group commits run on connections of their own, beside claims, the lease's heartbeat, imports and the API's reads: about one connection per 5 live calls (`DIALSTATE_MAX_CHANNELS`) is enough, 10 ran short at 100 calls. A query that waits over 1 s for a free connection is logged as a warning naming this setting; one that waits 10 s fails with an error saying the pool was full. The pools of all nodes sharing a database, plus 2 for a `dialstate migrate`, must fit in the server's `max_connections` (100 by default, 3 of them kept for superusers). Unused with SQLite.",
  },
  DIALSTATE_HTTP_HOST: {
    group: 'HTTP API',
    description:
      'Address the API and web UI listen on. Anything but loopback needs `DIALSTATE_API_TOKEN`.',
  },
  DIALSTATE_HTTP_PORT: { group: 'HTTP API', description: 'Port of the API and web UI.' },
  DIALSTATE_API_TOKEN: {
    group: 'HTTP API',
    description:
      'Bearer token every `/api` route and `/metrics` then require. Without one the server listens on loopback only.',
    defaultText: 'unset (loopback only)',
    secret: true,
  },
  DIALSTATE_MAX_CHANNELS: {
    group: 'Engine',
    description: 'Most live calls across all campaigns.',
  },
  DIALSTATE_CAP_PER_24H: {
    group: 'Compliance',
    description:
      'Most call attempts to one number in any rolling 24 hours, counted across every campaign (every attempt counts, answered or not); 0 = no limit. A number at its cap is not dialed: its lead stays pending, due when the oldest attempt in the window leaves it, with the reason on the lead. A campaign may set a stricter cap of its own (`frequencyCaps`).',
  },
  DIALSTATE_CAP_PER_7D: {
    group: 'Compliance',
    description: 'As `DIALSTATE_CAP_PER_24H`, over any rolling 7 days; 0 = no limit.',
  },
  DIALSTATE_CAP_PER_30D: {
    group: 'Compliance',
    description: 'As `DIALSTATE_CAP_PER_24H`, over any rolling 30 days; 0 = no limit.',
  },
  DIALSTATE_BLACKOUT_DATES: {
    group: 'Compliance',
    description:
      "Days no campaign calls, comma-separated `YYYY-MM-DD` days or `YYYY-MM-DD..YYYY-MM-DD` ranges (both ends included), e.g. `2026-12-25,2026-12-31..2027-01-01`. Each is a local calendar day in the zone a lead is called in (its own, its number's, else the campaign's). Campaigns add their own (`blackoutDates`). An invalid date stops the server from starting. Presets to copy: `GET /api/blackout-presets`.",
    defaultText: 'none',
  },
  DIALSTATE_CIRCUIT_BREAKER_FAILURES: {
    group: 'Engine',
    description:
      'Calls of a campaign in a row that fail before anyone answers (ARI refusing the originate, a wrong dial context…) and so pause it, with the reason.',
  },
  DIALSTATE_ABANDON_THRESHOLD_MS: {
    group: 'Engine',
    description:
      "How soon after the end of a person's greeting (AMD's verdict) they must hear the consent prompt or reach the AI target for the call not to count as abandoned (ms); exactly this long is in time. The rates per campaign (24 h, 30 days) and each campaign's `abandonCapPercent` use it.",
  },
  DIALSTATE_SIM_TIME_SCALE: {
    group: 'Engine',
    description:
      "Speed of the embedded simulator's far ends: real ms per scenario ms (1 real time, 0.1 ten times faster). Ignored with a real Asterisk.",
  },
  DIALSTATE_LOG_LEVEL: { group: 'Engine', description: 'Least level of the JSON log lines.' },
};
