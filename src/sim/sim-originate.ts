import { type AriResult, ariError, ariOk } from './ari-result.js';
import type { CallerId } from './sim-channel.js';

/** The parameters of `POST /channels` and `/channels/create` (query and body merged). */
export interface OriginateParams {
  readonly endpoint?: string;
  readonly app?: string;
  readonly appArgs?: string;
  readonly channelId?: string;
  readonly otherChannelId?: string;
  readonly callerId?: string;
  readonly timeout?: string;
  readonly variables?: unknown;
}

/** A validated originate. */
export interface OriginatePlan {
  readonly number: string;
  /** The Local endpoint's context; empty for a trunk endpoint. */
  readonly context: string;
  /**
   * A trunk endpoint (`PJSIP/<number>@<trunk>`, `IAX2/<peer>/<number>`…): one channel,
   * named after the trunk, with the far end behind it; null for a Local endpoint.
   */
  readonly trunk: {
    readonly technology: string;
    readonly name: string;
    readonly resource: string;
  } | null;
  readonly app: string;
  readonly appArgs: string[];
  readonly channelId: string | undefined;
  readonly otherChannelId: string | undefined;
  readonly caller: CallerId;
  /** Ring timeout in ms; null = none (`timeout=-1`). */
  readonly timeoutMs: number | null;
  /** Variables as sent, names with their inheritance prefixes. */
  readonly variables: Array<[string, string]>;
}

// ARI's default originate timeout is 30 s.
const DEFAULT_TIMEOUT_S = 30;

/** Checks an originate request and extracts what the simulator needs from it. */
export function planOriginate(params: OriginateParams): AriResult<OriginatePlan> {
  if (!params.endpoint) return ariError(400, 'Endpoint must be specified');
  const endpoint = readEndpoint(params.endpoint);
  if (!endpoint) {
    return ariError(
      400,
      'The simulator dials Local/<number>@<context> and trunk endpoints (PJSIP/<number>@<trunk>, SIP/<trunk>/<number>, IAX2/<peer>/<number>, DAHDI/<group>/<number>, Dongle/<device>/<number>)',
    );
  }
  if (!params.app)
    return ariError(400, 'The simulator only originates into a Stasis app: app is required');
  const timeout =
    params.timeout === undefined || params.timeout === ''
      ? DEFAULT_TIMEOUT_S
      : Number(params.timeout);
  if (!Number.isInteger(timeout)) return ariError(400, 'timeout must be an integer');
  const variables = variableEntries(params.variables);
  if (!variables) return ariError(400, 'variables must be an object of strings');
  return ariOk({
    number: endpoint.number,
    context: endpoint.context,
    trunk: endpoint.trunk,
    app: params.app,
    appArgs: params.appArgs ? params.appArgs.split(',') : [],
    channelId: params.channelId || undefined,
    otherChannelId: params.otherChannelId || undefined,
    caller: parseCallerId(params.callerId ?? ''),
    timeoutMs: timeout === -1 ? null : (timeout > 0 ? timeout : DEFAULT_TIMEOUT_S) * 1000,
    variables,
  });
}

const TRUNK_TECHNOLOGIES = new Set(['pjsip', 'sip', 'iax2', 'dahdi', 'dongle']);

/**
 * Reads an endpoint: `Local/<exten>@<context>` (with optional `/n`-style flags), or a
 * trunk technology whose resource holds the number — `PJSIP/<number>@<trunk>`, or the
 * last `/` segment of `IAX2/<peer>/<number>` and the like.
 */
function readEndpoint(
  endpoint: string,
): Pick<OriginatePlan, 'number' | 'context' | 'trunk'> | null {
  const local = /^Local\/([^@/]+)@([^/]+)(?:\/.*)?$/i.exec(endpoint);
  if (local) return { number: local[1] ?? '', context: local[2] ?? '', trunk: null };
  const slash = endpoint.indexOf('/');
  const technology = endpoint.slice(0, slash);
  if (slash <= 0 || !TRUNK_TECHNOLOGIES.has(technology.toLowerCase())) return null;
  const resource = endpoint.slice(slash + 1);
  const at = /^([^@/]+)@([^/]+)$/.exec(resource);
  const segments = resource.split('/');
  const number = at ? at[1] : segments.at(-1)?.replace(/@.*$/, '');
  const name = at ? at[2] : segments[0];
  if (!number || !name) return null;
  return { number, context: '', trunk: { technology, name, resource } };
}

/**
 * `"Name" <number>`, `Name <number>`, a bare number or a bare name, as Asterisk's
 * ast_callerid_parse reads a callerId.
 */
export function parseCallerId(callerId: string): CallerId {
  const bracketed = /^\s*"?([^"<]*?)"?\s*<([^>]*)>\s*$/.exec(callerId);
  if (bracketed) return { name: bracketed[1] ?? '', number: bracketed[2] ?? '' };
  const trimmed = callerId.trim();
  return /^[0-9+*#]+$/.test(trimmed)
    ? { name: '', number: trimmed }
    : { name: trimmed, number: '' };
}

/** ARI's variables: strings, or `{ value, report_events }` objects. */
function variableEntries(variables: unknown): Array<[string, string]> | null {
  if (variables === undefined || variables === null) return [];
  if (typeof variables !== 'object' || Array.isArray(variables)) return null;
  const entries: Array<[string, string]> = [];
  for (const [name, raw] of Object.entries(variables)) {
    const value = typeof raw === 'object' && raw !== null && 'value' in raw ? raw.value : raw;
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean')
      return null;
    entries.push([name, String(value)]);
  }
  return entries;
}
