/**
 * The viewers of bench/sse-fanout.ts, in a process of their own so that their work
 * does not count against the server: opens `count` streams on `<url>/api/events`,
 * reads them as fast as they come, and measures the delivery lag of `attempt` events
 * (receive time minus the event's own `at`, both from this machine's clock) on every
 * `sampleEvery`-th client. Driven over IPC: sends `ready` once every stream has its
 * `ready` event; on `stop`, closes them all and sends its `stats`.
 */
import http from 'node:http';

const [url, countArg, sampleArg] = process.argv.slice(2);
const count = Number(countArg);
const sampleEvery = Number(sampleArg ?? '10');
if (!url || !Number.isInteger(count))
  throw new Error('usage: sse-clients <url> <count> [sampleEvery]');

const lags: number[] = [];
/** Events read by the sampled clients, bytes read by all. */
let events = 0;
let bytes = 0;
let sampledOut = 0;
let resets = 0;
let readyCount = 0;
const requests: http.ClientRequest[] = [];
const agent = new http.Agent({ keepAlive: false, maxSockets: Number.POSITIVE_INFINITY });

const READY = Buffer.from('event: ready');
const RESET = Buffer.from('event: reset');

/** A viewer that only counts what it reads: most of them, so that the clients stay cheap. */
function onCountedData(chunk: Buffer, state: { ready: boolean }): void {
  bytes += chunk.length;
  if (!state.ready && chunk.includes(READY)) {
    state.ready = true;
    readyCount += 1;
    if (readyCount === count) process.send?.({ type: 'ready' });
  }
  if (chunk.includes(RESET)) resets += 1;
}

/** A sampled viewer: parses every event and measures the lag of `attempt` events. */
function onSampledData(text: string, state: { ready: boolean; buffer: string }): void {
  bytes += Buffer.byteLength(text);
  state.buffer += text;
  for (let end = state.buffer.indexOf('\n\n'); end >= 0; end = state.buffer.indexOf('\n\n')) {
    const block = state.buffer.slice(0, end);
    state.buffer = state.buffer.slice(end + 2);
    if (block.startsWith(':')) continue;
    events += 1;
    if (block.includes('event: ready') && !state.ready) {
      state.ready = true;
      readyCount += 1;
      if (readyCount === count) process.send?.({ type: 'ready' });
    } else if (block.includes('event: reset')) {
      resets += 1;
    } else if (block.includes('event: attempt')) {
      const data = block.slice(block.indexOf('data: ') + 6).split('\n')[0] ?? '{}';
      lags.push(Date.now() - (JSON.parse(data) as { at: number }).at);
    }
  }
}

function open(index: number): void {
  const sampled = index % sampleEvery === 0;
  const request = http.get(`${url}/api/events`, {
    agent,
    headers: { accept: 'text/event-stream' },
  });
  requests.push(request);
  request.on('response', (response) => {
    if (sampled) {
      const state = { ready: false, buffer: '' };
      response.setEncoding('utf8');
      response.on('data', (text: string) => onSampledData(text, state));
    } else {
      sampledOut += 1;
      const state = { ready: false };
      response.on('data', (chunk: Buffer) => onCountedData(chunk, state));
    }
    response.on('error', () => {});
  });
  request.on('error', () => {});
}

for (let i = 0; i < count; i += 1) open(i);
if (count === 0) process.send?.({ type: 'ready' });

process.on('message', (message: { type: string }) => {
  if (message.type !== 'stop') return;
  for (const request of requests) request.destroy();
  const sampledClients = count - sampledOut;
  const { user, system } = process.cpuUsage();
  const cpuMs = (user + system) / 1_000;
  process.send?.({ type: 'stats', lags, events, bytes, sampledClients, resets, cpuMs }, () =>
    process.exit(0),
  );
});
