/**
 * Client CPU per ARI REST request: Node's `http` client on a kept-alive agent against
 * undici's pool, over loopback, against a tiny HTTP server in a process of its own (so
 * that only the client's CPU is in this process's `process.cpuUsage`). ADR 049: undici
 * is a development dependency for this comparison only; dialstate's client is Node's.
 *
 *   npx tsx bench/ari-rest-client.ts [--requests 20000] [--concurrency 1,50]
 *     [--rounds 3] [--base <checkout>] [--only <client>,…]
 *
 * Each request is an originate as dialstate sends it: `POST /ari/channels?endpoint=…`
 * with a JSON body and HTTP Basic credentials, its JSON answer (~200 bytes) read whole.
 * The clients, each at every concurrency (that many loops, each sending its next
 * request when its answer is in), in turn, every other round in the reverse order:
 * - `node-http`: `http.request` on the gateway's own agent (`createAriSockets`: keep-alive, 32 sockets, LIFO, 4 s
 *   idle timeout), the answer gathered from its `data` events: dialstate's ARI client;
 * - `undici`: undici's `Pool.request` (32 connections, pipelining 1, 4 s keep-alive),
 *   the answer read with `body.text()`: the library alone;
 * - `ari-http`: this checkout's `createAriHttp` (src/ari/ari-rest.ts), the whole path
 *   dialstate takes: time limit on the clock, resend rule, JSON parse;
 * - `ari-http (base)` with `--base <checkout>`: that checkout's `createAriHttp`, for an
 *   A/B of the whole path in one invocation (ADR 049's run: this file in a checkout of
 *   the undici-backed client, 2d67638, with `--base` a checkout of 85c50f3).
 * `--only` keeps the clients named (e.g. for a profile: `node --cpu-prof --import tsx …`).
 * Figures: CPU time of this process per request (user + system, µs) and requests/s.
 * The server answers at once, so a client's CPU is the rate's limit at 50 in flight.
 */
import { fork } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';
import { createAriSockets } from '../src/ari/ari-http-pool.js';
import { createAriHttp } from '../src/ari/ari-rest.js';
import { systemClock } from '../src/calls/ports.js';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '20000' },
    concurrency: { type: 'string', default: '1,50' },
    rounds: { type: 'string', default: '3' },
    base: { type: 'string' },
    only: { type: 'string' },
    serve: { type: 'boolean', default: false },
  },
});

const ANSWER = JSON.stringify({
  id: 'dialstate-0192d3c4-5e6f-7a8b-9c0d-1e2f3a4b5c6d',
  name: 'Local/+15550000009@from-internal-00000001;1',
  state: 'Down',
  caller: { name: '', number: '' },
  language: 'en',
});

type Send = () => Promise<unknown>;
interface Client {
  name: string;
  send: Send;
  close(): void;
}

const QUERY = { endpoint: 'Local/+15550000009@from-internal', app: 'dialstate', timeout: '30' };
const BODY = { variables: { DIALSTATE_ATTEMPT: '0192d3c4', CALLERID: '+15550000001' } };
const AUTHORIZATION = `Basic ${Buffer.from('dialstate:secret').toString('base64')}`;
const TARGET = `/ari/channels?${new URLSearchParams(QUERY).toString().replace(/\+/g, '%20')}`;

function nodeHttpClient(url: string): Client {
  const root = new URL(url);
  const { agent } = createAriSockets(url);
  return {
    name: 'node-http',
    send: () =>
      new Promise((resolve, reject) => {
        const body = JSON.stringify(BODY);
        const request = http.request(
          {
            agent,
            hostname: root.hostname,
            port: Number(root.port),
            method: 'POST',
            path: TARGET,
            headers: {
              authorization: AUTHORIZATION,
              accept: 'application/json',
              'content-type': 'application/json',
              'content-length': Buffer.byteLength(body),
            },
          },
          (response) => {
            const chunks: Buffer[] = [];
            response.on('data', (chunk: Buffer) => chunks.push(chunk));
            response.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString())));
          },
        );
        request.on('error', reject);
        request.end(body);
      }),
    close: () => agent.destroy(),
  };
}

function undiciClient(url: string): Client {
  const pool = new Pool(new URL(url).origin, {
    connections: 32,
    pipelining: 1,
    keepAliveTimeout: 4_000,
    keepAliveMaxTimeout: 4_000,
  });
  const headers = {
    authorization: AUTHORIZATION,
    accept: 'application/json',
    'content-type': 'application/json',
  };
  return {
    name: 'undici',
    send: async () => {
      const answer = await pool.request({
        method: 'POST',
        path: TARGET,
        headers,
        body: JSON.stringify(BODY),
      });
      return JSON.parse(await answer.body.text());
    },
    close: () => void pool.destroy(),
  };
}

function ariHttpClient(name: string, create: typeof createAriHttp, url: string): Client {
  const ari = create({ url, user: 'dialstate', password: 'secret', clock: systemClock });
  return {
    name,
    send: async () => {
      const exchange = await ari.request('POST', '/channels', { query: QUERY, body: BODY });
      if (!exchange.answered || exchange.status !== 200) throw new Error(JSON.stringify(exchange));
      return exchange.body;
    },
    close: () => ari.close(),
  };
}

/** `count` requests over `concurrency` loops; CPU µs per request and requests/s. */
async function measure(send: Send, count: number, concurrency: number) {
  let left = count;
  const loop = async () => {
    while (left > 0) {
      left -= 1;
      await send();
    }
  };
  const cpu = process.cpuUsage();
  const start = performance.now();
  await Promise.all(Array.from({ length: concurrency }, loop));
  const seconds = (performance.now() - start) / 1_000;
  const used = process.cpuUsage(cpu);
  return { cpuUs: (used.user + used.system) / count, perSecond: count / seconds };
}

async function main() {
  const requests = Number(values.requests);
  const rounds = Number(values.rounds);
  const levels = values.concurrency.split(',').map(Number);
  const server = fork(import.meta.filename, ['--serve'], {
    execArgv: ['--import', 'tsx'],
    stdio: 'inherit',
  });
  const port = await new Promise<number>((resolve) => server.once('message', resolve));
  const url = `http://127.0.0.1:${port}`;
  const clients: Client[] = [
    nodeHttpClient(url),
    undiciClient(url),
    ariHttpClient('ari-http', createAriHttp, url),
  ];
  if (values.base) {
    const module = pathToFileURL(path.resolve(values.base, 'src/ari/ari-rest.ts')).href;
    const base = (await import(module)) as { createAriHttp: typeof createAriHttp };
    clients.push(ariHttpClient('ari-http (base)', base.createAriHttp, url));
  }
  if (values.only) {
    const kept = values.only.split(',');
    clients.splice(0, clients.length, ...clients.filter((client) => kept.includes(client.name)));
  }
  const results = new Map<string, { cpuUs: number[]; perSecond: number[] }>();
  for (const client of clients) await measure(client.send, 3_000, 32); // warm up
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? clients : [...clients].reverse();
    for (const concurrency of levels) {
      for (const client of order) {
        const { cpuUs, perSecond } = await measure(client.send, requests, concurrency);
        const key = `${client.name}\t${concurrency}`;
        const seen = results.get(key) ?? { cpuUs: [], perSecond: [] };
        seen.cpuUs.push(cpuUs);
        seen.perSecond.push(perSecond);
        results.set(key, seen);
        console.error(`round ${round + 1} ${client.name} @${concurrency}: ${cpuUs.toFixed(1)} µs`);
      }
    }
  }
  const median = (list: number[]) => {
    const sorted = [...list].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)] ?? 0;
  };
  console.log(
    '| client | in flight | CPU µs/request (median; each round) | requests/s (median) | vs node-http |',
  );
  console.log('|---|---|---|---|---|');
  for (const concurrency of levels) {
    const baseline = median(results.get(`node-http\t${concurrency}`)?.cpuUs ?? []);
    for (const client of clients) {
      const seen = results.get(`${client.name}\t${concurrency}`);
      if (!seen) continue;
      const cpu = median(seen.cpuUs);
      console.log(
        `| ${client.name} | ${concurrency} | ${cpu.toFixed(1)} (${seen.cpuUs.map((v) => v.toFixed(0)).join(', ')}) | ${Math.round(median(seen.perSecond))} | ${(cpu / baseline).toFixed(2)} |`,
      );
    }
  }
  for (const client of clients) client.close();
  server.kill();
}

/** The server side (`--serve`, in the child): every request answered at once, kept alive. */
if (values.serve) {
  const server = http.createServer({ keepAliveTimeout: 15_000 }, (request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(ANSWER);
    });
  });
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    process.send?.(typeof address === 'object' && address ? address.port : 0);
  });
} else {
  await main();
}
