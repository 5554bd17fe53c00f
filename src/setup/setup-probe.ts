/*
 * The setup checks' port: what they ask of the PBX and the media folder (`SetupProbe`,
 * implemented over ARI in src/ari/ari-setup-probe.ts) and what one check says. Apart from
 * the checks themselves so that each kind of check can use it without importing the others.
 */

/** Why a probe got no answer it could use. */
export type ProbeFailureReason =
  /** Nothing answered: connection refused, unknown host, no route. */
  | 'unreachable'
  /** Something accepted the connection but did not answer in time. */
  | 'timeout'
  /** ARI refused the credentials (HTTP 401). */
  | 'unauthorized'
  /** ARI accepted the credentials but not the request (HTTP 403: a read-only user). */
  | 'forbidden'
  /** An HTTP server answered, but not ARI (e.g. 404 for `/ari/asterisk/ping`). */
  | 'notAri'
  /** ARI answered with something the probe does not understand. */
  | 'unexpected';

/** A probe that could not get a usable answer; `message` says what was asked and what happened. */
export interface ProbeFailure {
  ok: false;
  reason: ProbeFailureReason;
  message: string;
}

/** The answer to one probe question, or why there is none. */
export type ProbeResult<T> = { ok: true; value: T } | ProbeFailure;

/** A dialplan location to look up: a whole context, or one priority (1 unless given) of an extension. */
export interface DialplanQuery {
  context: string;
  extension?: string;
  /** A priority number or label (Asterisk resolves labels in `DIALPLAN_EXISTS`). */
  priority?: string;
}

/** What dialstate's own process may do with the media folder. */
export type MediaDirAccess =
  | {
      ok: true;
      /** Only the owner may read it: Asterisk can play from it only if it runs as that user. */
      ownerOnly: boolean;
    }
  | {
      ok: false;
      reason: 'missing' | 'notDirectory' | 'notReadable' | 'notWritable';
      message: string;
    };

/**
 * The questions `dialstate doctor` asks about a deployment. Expected problems (Asterisk
 * down, wrong password, a missing module) come back as results, never as exceptions.
 */
export interface SetupProbe {
  /** Asterisk's version; fails with `unauthorized` when ARI rejects the credentials. */
  ping(): Promise<ProbeResult<{ version: string }>>;
  /** Whether Asterisk has the module (e.g. `app_amd.so`) loaded and running. */
  moduleLoaded(name: string): Promise<ProbeResult<boolean>>;
  /** Whether a websocket for the Stasis app is connected, i.e. whether dialstate runs. */
  appConnected(app: string): Promise<ProbeResult<boolean>>;
  /**
   * Whether Asterisk's dialplan has each location, in query order, as Asterisk itself
   * evaluates `DIALPLAN_EXISTS` on a temporary channel.
   */
  dialplanHas(queries: readonly DialplanQuery[]): Promise<ProbeResult<boolean[]>>;
  /** Whether dialstate can read and write the media folder. */
  mediaDirAccess(dir: string): Promise<MediaDirAccess>;
}

/** One line of `dialstate doctor`'s report. */
export interface SetupCheck {
  id: SetupCheckId;
  title: string;
  /** `'warn'`: worth knowing, but nothing is broken. */
  ok: boolean | 'warn';
  /** What was found. */
  detail: string;
  /** What to do about it; null when the check passed. */
  fix: string | null;
}

/** Stable name of a check, for scripts and the API; titles may change. */
export type SetupCheckId =
  | 'ari-reachable'
  | 'ari-credentials'
  | 'app-amd'
  | 'amd-context'
  | 'amd-hop-version'
  | 'dial-context'
  | 'app-connected'
  | 'ai-target'
  | 'media-dir';
