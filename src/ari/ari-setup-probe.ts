import { randomBytes } from 'node:crypto';
import type { Clock } from '../calls/ports.js';
import { checkMediaDirAccess } from '../setup/media-dir-access.js';
import type {
  DialplanQuery,
  ProbeFailure,
  ProbeResult,
  SetupProbe,
} from '../setup/setup-checks.js';
import { createAriHttp } from './ari-rest.js';
import { openTemporaryStasisApp } from './temporary-stasis-app.js';

/** Where and how to reach ARI. */
export interface AriSetupProbeOptions {
  /** Asterisk's HTTP server root, e.g. `http://127.0.0.1:8088`; ARI lives under `/ari`. */
  url: string;
  user: string;
  password: string;
  clock: Clock;
  /** Limit for each request and for the websocket handshake (ms). Default 5000. */
  timeoutMs?: number;
  /** Unique suffix of the temporary app and channel names. Default: time plus random. */
  nextId?: () => string;
}

interface Answer {
  status: number;
  body: unknown;
  /** `GET /ari/…` for messages. */
  what: string;
}

const APP_REGISTRATION_POLL_MS = 20;
// DIALPLAN_EXISTS takes comma-separated arguments in parentheses.
const QUERYABLE_NAME = /^[^\s,()$[\]{}]+$/;

/**
 * `dialstate doctor`'s probe over ARI's REST API, through the one ARI HTTP client.
 * Dialplan lookups run `DIALPLAN_EXISTS` on a temporary, never-dialed channel held by a
 * temporary app: `GET /asterisk/variable` cannot evaluate dialplan functions and answers
 * `""` for existing and missing contexts alike.
 */
export function createAriSetupProbe(options: AriSetupProbeOptions): SetupProbe {
  const { clock } = options;
  const timeoutMs = options.timeoutMs ?? 5_000;
  const http = createAriHttp({ ...options, timeoutMs });
  const base = http.baseUrl;
  const nextId = options.nextId ?? (() => `${clock.now()}-${randomBytes(3).toString('hex')}`);

  async function request(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    query: Record<string, string> = {},
  ): Promise<ProbeResult<Answer>> {
    const exchange = await http.request(method, path, { query });
    const { what } = exchange;
    if (!exchange.answered) {
      return {
        ok: false,
        reason: exchange.timedOut ? 'timeout' : 'unreachable',
        message: `${what}: ${exchange.reason}`,
      };
    }
    const { status } = exchange;
    // An empty answer reads as null, as ARI's `null` body would.
    const body = exchange.body ?? null;
    if (status === 401) {
      return {
        ok: false,
        reason: 'unauthorized',
        message: `${what} answered ${describe(status, body)}: ARI refused user "${options.user}" with this password`,
      };
    }
    if (status === 403) {
      return {
        ok: false,
        reason: 'forbidden',
        message: `${what} answered ${describe(status, body)}: ARI user "${options.user}" may not do this (read_only?)`,
      };
    }
    return { ok: true, value: { status, body, what } };
  }

  async function waitForApp(app: string): Promise<ProbeResult<void>> {
    // The websocket opens a moment before Asterisk lists the app; a channel created in
    // between would be hung up at once.
    const deadline = clock.now() + timeoutMs;
    for (;;) {
      const answer = await request('GET', `/applications/${encodeURIComponent(app)}`);
      if (!answer.ok) return answer;
      if (answer.value.status === 200) return { ok: true, value: undefined };
      if (answer.value.status !== 404) return unexpected(answer.value);
      if (clock.now() >= deadline) {
        return {
          ok: false,
          reason: 'timeout',
          message: `the doctor's temporary app ${app} was not registered within ${timeoutMs} ms`,
        };
      }
      await new Promise<void>((resolve) => clock.setTimeout(resolve, APP_REGISTRATION_POLL_MS));
    }
  }

  async function lookUp(
    channelId: string,
    queries: readonly DialplanQuery[],
  ): Promise<ProbeResult<boolean[]>> {
    const found: boolean[] = [];
    for (const query of queries) {
      const answer = await request('GET', `/channels/${encodeURIComponent(channelId)}/variable`, {
        variable: dialplanExists(query),
      });
      if (!answer.ok) return answer;
      const value = field(answer.value.body, 'value');
      if (answer.value.status !== 200 || (value !== '0' && value !== '1')) {
        return unexpected(answer.value);
      }
      found.push(value === '1');
    }
    return { ok: true, value: found };
  }

  return {
    async ping() {
      const pong = await request('GET', '/asterisk/ping');
      if (!pong.ok) return pong;
      if (pong.value.status !== 200 || field(pong.value.body, 'ping') !== 'pong') {
        const hint = base.endsWith('/ari')
          ? ' (give DIALSTATE_ARI_URL without the /ari suffix)'
          : '';
        return {
          ok: false,
          reason: 'notAri',
          message: `${pong.value.what} answered ${describe(pong.value.status, pong.value.body)}: no ARI there${hint}`,
        };
      }
      const info = await request('GET', '/asterisk/info');
      if (!info.ok) return info;
      if (info.value.status !== 200) return unexpected(info.value);
      const version = field(field(info.value.body, 'system'), 'version');
      return { ok: true, value: { version: typeof version === 'string' ? version : 'unknown' } };
    },

    async moduleLoaded(name) {
      const answer = await request('GET', `/asterisk/modules/${encodeURIComponent(name)}`);
      if (!answer.ok) return answer;
      // ARI lists running modules only: 404 is "Module could not be found in running modules".
      if (answer.value.status === 200) return { ok: true, value: true };
      if (answer.value.status === 404) return { ok: true, value: false };
      return unexpected(answer.value);
    },

    async appConnected(app) {
      const answer = await request('GET', `/applications/${encodeURIComponent(app)}`);
      if (!answer.ok) return answer;
      // An app is listed only while a websocket holds it.
      if (answer.value.status === 200) return { ok: true, value: true };
      if (answer.value.status === 404) return { ok: true, value: false };
      return unexpected(answer.value);
    },

    async dialplanHas(queries) {
      const first = queries[0];
      if (!first) return { ok: true, value: [] };
      const bad = queries.find(
        (q) => !QUERYABLE_NAME.test(q.context + (q.extension ?? '') + (q.priority ?? '')),
      );
      if (bad) {
        return {
          ok: false,
          reason: 'unexpected',
          message: `cannot look up ${JSON.stringify(bad.context)}: spaces, commas, brackets and $ do not fit in DIALPLAN_EXISTS()`,
        };
      }
      // Not `dialstate-…`: that prefix marks attempt channels (channelIdFor), and a
      // reconciling dialstate must not take this one for an attempt.
      const id = `dialstate_doctor-${nextId()}`;
      const app = await openTemporaryStasisApp({ http, app: id, clock, timeoutMs });
      if (!app.ok) return app;
      try {
        const registered = await waitForApp(id);
        if (!registered.ok) return registered;
        // channels/create only allocates the channel: a Local channel that is never dialed
        // runs no dialplan, so the endpoint merely names it.
        const created = await request('POST', '/channels/create', {
          endpoint: `Local/doctor@${first.context}`,
          app: id,
          appArgs: 'doctor',
          channelId: id,
        });
        if (!created.ok) return created;
        if (created.value.status !== 200) return unexpected(created.value);
        try {
          return await lookUp(id, queries);
        } finally {
          await request('DELETE', `/channels/${encodeURIComponent(id)}`);
        }
      } finally {
        await app.value.close();
      }
    },

    mediaDirAccess: checkMediaDirAccess,
  };
}

function dialplanExists(query: DialplanQuery): string {
  return query.extension === undefined
    ? `DIALPLAN_EXISTS(${query.context})`
    : `DIALPLAN_EXISTS(${query.context},${query.extension},${query.priority ?? '1'})`;
}

function unexpected(answer: Answer): ProbeFailure {
  return {
    ok: false,
    reason: 'unexpected',
    message: `${answer.what} answered ${describe(answer.status, answer.body)}`,
  };
}

/** `404 "Application not found"`: status plus ARI's own message when it sent one. */
function describe(status: number, body: unknown): string {
  const message = field(body, 'message');
  return typeof message === 'string' ? `${status} "${message}"` : String(status);
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null
    ? (value as Record<string, unknown>)[key]
    : undefined;
}
