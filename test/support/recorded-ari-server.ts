import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';
import { AMD_HOP_VERSION_LABEL } from '../../src/ari/amd-hop.js';

/** The doctor requests recorded from a real Asterisk 22.10.1 (see the README beside it). */
export const CHECKS_TRACE = fileURLToPath(
  new URL('../../../shared/asterisk-ari/traces/checks.jsonl', import.meta.url),
);

interface TraceLine {
  dir: 'request' | 'response' | 'event';
  id?: number;
  msg: {
    method?: string;
    path?: string;
    query?: Record<string, string>;
    note?: string;
    status?: number;
    body?: unknown;
  };
}

/** One recorded ARI answer. */
export interface RecordedAnswer {
  status: number;
  body: unknown;
}

/** The answers of `checks.jsonl`, by what they answer. */
export interface RecordedChecks {
  ping: RecordedAnswer;
  info: RecordedAnswer;
  wrongPassword: RecordedAnswer;
  moduleRunning: RecordedAnswer;
  moduleMissing: RecordedAnswer;
  /** `GET /asterisk/variable?variable=DIALPLAN_EXISTS(...)`: `""` whether or not the context exists. */
  globalDialplanExists: RecordedAnswer;
  appFound: RecordedAnswer;
  appMissing: RecordedAnswer;
  originated: RecordedAnswer;
  channelContextFound: RecordedAnswer;
  channelContextMissing: RecordedAnswer;
  variableMissing: RecordedAnswer;
  hungUp: RecordedAnswer;
  channelGone: RecordedAnswer;
}

/** Reads `checks.jsonl` and picks each recorded answer by its request. */
export function loadRecordedChecks(file = CHECKS_TRACE): RecordedChecks {
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as TraceLine);
  const requests = lines.filter((l) => l.dir === 'request');
  const answerTo = (pick: (request: TraceLine['msg']) => boolean): RecordedAnswer => {
    const request = requests.find((r) => pick(r.msg));
    const response = lines.find((l) => l.dir === 'response' && l.id === request?.id);
    if (!request || !response || response.msg.status === undefined) {
      throw new Error(`${file}: no recorded answer for the request looked for`);
    }
    return { status: response.msg.status, body: response.msg.body ?? null };
  };
  const is = (method: string, path: string) => (r: TraceLine['msg']) =>
    r.method === method && r.path === path;
  const variable =
    (path: string, name: string) =>
    (r: TraceLine['msg']): boolean =>
      is('GET', path)(r) && r.query?.variable === name;
  return {
    ping: answerTo(is('GET', '/ari/asterisk/ping')),
    info: answerTo((r) => is('GET', '/ari/asterisk/info')(r) && r.note === undefined),
    wrongPassword: answerTo((r) => r.note !== undefined),
    moduleRunning: answerTo(is('GET', '/ari/asterisk/modules/app_amd.so')),
    moduleMissing: answerTo(is('GET', '/ari/asterisk/modules/app_no_such_module.so')),
    globalDialplanExists: answerTo(
      variable('/ari/asterisk/variable', 'DIALPLAN_EXISTS(no-such-context,s,1)'),
    ),
    appFound: answerTo(is('GET', '/ari/applications/trace-dialer')),
    appMissing: answerTo(is('GET', '/ari/applications/no-such-app')),
    originated: answerTo(is('POST', '/ari/channels')),
    channelContextFound: answerTo(
      variable('/ari/channels/trace-checks-1/variable', 'DIALPLAN_EXISTS(aava-outbound-amd,s,1)'),
    ),
    channelContextMissing: answerTo(
      variable('/ari/channels/trace-checks-1/variable', 'DIALPLAN_EXISTS(no-such-context,s,1)'),
    ),
    variableMissing: answerTo(
      variable('/ari/channels/trace-checks-1/variable', 'NO_SUCH_VARIABLE'),
    ),
    hungUp: answerTo(is('DELETE', '/ari/channels/trace-checks-1')),
    channelGone: answerTo(is('GET', '/ari/channels/trace-checks-1')),
  };
}

/** What the imitated Asterisk has. */
export interface RecordedAriOptions {
  user: string;
  password: string;
  /** Loaded modules, e.g. `app_amd.so`. */
  modules: string[];
  /** Dialplan contexts; each has an `s` extension. */
  contexts: string[];
  /** Priority labels every `s` extension has (default: the current AMD hop's version label). */
  labels?: string[];
  /** Apps held by a websocket outside the test (e.g. a running dialstate). */
  connectedApps?: string[];
  /** Delay between a websocket opening and its app being listed (ms). */
  registrationDelayMs?: number;
}

/** A request the imitated Asterisk received. */
export interface ReceivedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  authorization: string | undefined;
}

/** An HTTP + websocket server answering like the Asterisk behind `checks.jsonl`. */
export interface RecordedAriServer {
  /** Server root, e.g. `http://127.0.0.1:40123`. */
  url: string;
  requests: ReceivedRequest[];
  /** Apps currently held, by a websocket of the test or `connectedApps`. */
  apps: Set<string>;
  /** Channels that exist right now. */
  channels: Set<string>;
  close(): Promise<void>;
}

/**
 * Starts an imitation of the recorded Asterisk on 127.0.0.1. Every answer body and status
 * comes from `checks.jsonl`, except two the trace does not hold, shaped after Asterisk's
 * source: the snapshot of `POST /channels/create` (the recorded originate's, renamed), and
 * 404 `Provided channel was not found` for a variable of a gone channel. As in Asterisk, a
 * channel created for an app no websocket holds is hung up at once.
 */
export async function startRecordedAriServer(
  options: RecordedAriOptions,
): Promise<RecordedAriServer> {
  const recorded = loadRecordedChecks();
  const expected = `Basic ${Buffer.from(`${options.user}:${options.password}`).toString('base64')}`;
  const apps = new Set(options.connectedApps ?? []);
  const channels = new Set<string>();
  const requests: ReceivedRequest[] = [];
  let channelCounter = 0;

  const route = (method: string, path: string, query: URLSearchParams): RecordedAnswer => {
    const parts = path.split('/').map(decodeURIComponent);
    if (method === 'GET' && path === '/ari/asterisk/ping') return recorded.ping;
    if (method === 'GET' && path === '/ari/asterisk/info') return recorded.info;
    if (method === 'GET' && path === '/ari/asterisk/variable') return recorded.globalDialplanExists;
    if (method === 'GET' && parts[3] === 'modules' && parts.length === 5) {
      const name = parts[4] ?? '';
      return options.modules.includes(name)
        ? renamed(recorded.moduleRunning, { name })
        : recorded.moduleMissing;
    }
    if (method === 'GET' && parts[2] === 'applications' && parts.length === 4) {
      const name = parts[3] ?? '';
      return apps.has(name) ? renamed(recorded.appFound, { name }) : recorded.appMissing;
    }
    if (method === 'POST' && path === '/ari/channels/create') {
      const id = query.get('channelId') ?? `doctor-${channelCounter}`;
      const [exten, context] = (query.get('endpoint') ?? '').replace(/^Local\//, '').split('@');
      channelCounter += 1;
      if (apps.has(query.get('app') ?? '')) channels.add(id);
      return renamed(recorded.originated, {
        id,
        name: `Local/${exten}@${context}-${String(channelCounter).padStart(8, '0')};1`,
        dialplan: { context, exten, priority: 1, app_name: '', app_data: '' },
      });
    }
    if (method === 'GET' && parts[2] === 'channels' && parts[4] === 'variable') {
      if (!channels.has(parts[3] ?? '')) {
        return { status: 404, body: { message: 'Provided channel was not found' } };
      }
      const call = /^DIALPLAN_EXISTS\(([^,)]+)(?:,([^,)]+),([\w-]+))?\)$/.exec(
        query.get('variable') ?? '',
      );
      if (!call) return recorded.variableMissing;
      const [, context, exten, priority = '1'] = call;
      const labels = options.labels ?? [AMD_HOP_VERSION_LABEL];
      const exists =
        options.contexts.includes(context ?? '') &&
        (exten ?? 's') === 's' &&
        (/^\d+$/.test(priority) || labels.includes(priority));
      return exists ? recorded.channelContextFound : recorded.channelContextMissing;
    }
    if (method === 'DELETE' && parts[2] === 'channels' && parts.length === 4) {
      return channels.delete(parts[3] ?? '') ? recorded.hungUp : recorded.channelGone;
    }
    return { status: 404, body: { message: 'Resource not found' } };
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push({
      method: req.method ?? '',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      authorization: req.headers.authorization,
    });
    const answer =
      req.headers.authorization === expected
        ? route(req.method ?? '', url.pathname, url.searchParams)
        : recorded.wrongPassword;
    if (answer.body === null) {
      res.writeHead(answer.status).end();
      return;
    }
    res.writeHead(answer.status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(answer.body));
  });

  const sockets = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const app = url.searchParams.get('app') ?? '';
    requests.push({
      method: 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      authorization: req.headers.authorization,
    });
    if (req.headers.authorization !== expected || url.pathname !== '/ari/events') {
      const status = req.headers.authorization !== expected ? '401 Unauthorized' : '404 Not Found';
      socket.end(`HTTP/1.1 ${status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
      return;
    }
    sockets.handleUpgrade(req, socket, head, (ws) => {
      const register = setTimeout(() => apps.add(app), options.registrationDelayMs ?? 0);
      ws.on('close', () => {
        clearTimeout(register);
        apps.delete(app);
      });
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    apps,
    channels,
    async close() {
      for (const client of sockets.clients) client.terminate();
      sockets.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function renamed(answer: RecordedAnswer, fields: Record<string, unknown>): RecordedAnswer {
  return { status: answer.status, body: { ...(answer.body as object), ...fields } };
}
