/**
 * Where the CPU time of a `node --cpu-prof` profile goes, by layer of the dialer.
 *
 *   npx tsx bench/cpu-profile-layers.ts <file.cpuprofile> [--window <fromUs>:<toUs>]… [--top 25]
 *     [--cap <µs>] [--inclusive <url part>]
 *
 * Each sample goes to the layer of the innermost frame that belongs to one (Node's own
 * frames count for the code that called them: a socket write made by the simulator's
 * websocket is the simulator's), so the shares add up to 100 %. `--window` keeps only
 * samples inside the given ranges of the monotonic clock in µs (the clock of
 * `process.hrtime`), as bench/sim-throughput.ts prints them for its measured runs.
 *
 * A sample stands for the time since the one before it. When the thread was off its
 * core (a loaded machine, or blocked in a syscall such as an fsync), that gap goes
 * whole to the function the next sample lands in, a write or a timer list with a
 * burst of hundreds of milliseconds. `--cap` counts each sample for at most that many
 * µs (a little over the sampling interval, e.g. 1500 with `--cpu-prof-interval 500`):
 * the shares then follow CPU time rather than wall time.
 *
 * `--inclusive src/machines` adds a table of the functions whose script's URL holds that
 * text, each with the share of samples it is on the stack in (itself and all it calls,
 * a recursive function counted once): what one of the dialer's own entry points costs
 * with the library code under it, which self time spreads over many rows.
 */
import { parseArgs } from 'node:util';
import { type CallFrame, type ProfileNode, parseWindow, readCpuProfile } from './cpu-profile.js';

const SPECIAL: Record<string, string> = {
  '(garbage collector)': 'garbage collection',
  '(idle)': 'idle (waiting for I/O)',
  '(program)': 'V8 and native code outside JS (program)',
};

/** The layer a frame belongs to by itself, or null for frames that count for their caller. */
function layerOfFrame(frame: CallFrame): string | null {
  const url = frame.url;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  if (pkg !== undefined) {
    if (pkg === 'kysely' || pkg === 'better-sqlite3') return 'SQLite journal';
    if (pkg === 'xstate') return 'attempt machine';
    if (pkg === 'ari-client') return 'ari-client';
    if (pkg === 'swagger-client' || pkg === 'shred') return 'ari-client REST';
    if (pkg === 'hono' || pkg === '@hono/node-server') return 'simulator';
    if (pkg === 'pino' || pkg === 'pino-std-serializers') return 'logging (pino)';
    if (pkg === 'tsx' || pkg === 'esbuild') return 'module loading';
    return null;
  }
  const own = /\/(src\/[a-z]+|bench)\//.exec(url)?.[1];
  if (own !== undefined) {
    if (own === 'src/store') return 'SQLite journal';
    if (own === 'src/machines') return 'attempt machine';
    if (own === 'src/sim') return 'simulator';
    if (own === 'src/ari') return 'ARI gateway (src/ari)';
    if (['src/calls', 'src/campaign', 'src/compliance', 'src/control'].includes(own)) {
      return 'runner (src/calls)';
    }
    return 'bench driver';
  }
  return null;
}

/** Layer of a stack, innermost frame first. */
function layerOfStack(stack: CallFrame[]): string {
  const leaf = stack[0];
  if (leaf && SPECIAL[leaf.functionName] !== undefined && leaf.url === '') {
    return SPECIAL[leaf.functionName] as string;
  }
  for (const frame of stack) {
    const layer = layerOfFrame(frame);
    if (layer === null) continue;
    if (layer === 'SQLite journal') {
      // The commit appends to the WAL and, under synchronous=FULL, waits for its fsync:
      // the thread is blocked, not computing, but the profiler samples it all the same.
      if (stack.some((f) => f.functionName === 'commitTransaction')) {
        return 'SQLite journal: COMMIT (WAL write, fsync under FULL)';
      }
      return stack.some((f) => f.functionName === 'writeAttemptCommit')
        ? 'SQLite journal: event writes'
        : 'SQLite journal: lead claims (Kysely), transactions, savepoints';
    }
    if (layer !== 'ari-client') return layer;
    // ari-client's message handler turns websocket messages into events; the rest of
    // it wraps REST operations.
    return stack.some((f) => f.functionName === 'processMessage' && f.url.includes('ari-client'))
      ? 'ari-client events'
      : 'ari-client REST';
  }
  const urls = stack.map((f) => f.url);
  if (urls.some((u) => u === 'node:_http_server')) return 'simulator';
  if (urls.some((u) => u === 'node:_http_client' || u === 'node:_http_agent')) {
    return 'ari-client REST';
  }
  if (urls.some((u) => u.includes('/ws/'))) return 'websocket (ws), caller unknown';
  if (urls.some((u) => u.startsWith('node:internal/modules'))) return 'module loading';
  return 'Node.js internals, caller unknown';
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    window: { type: 'string', multiple: true },
    top: { type: 'string', default: '25' },
    cap: { type: 'string' },
    inclusive: { type: 'string' },
  },
});
const file = positionals[0];
if (file === undefined)
  throw new Error('usage: cpu-profile-layers <file.cpuprofile> [--window from:to]');
const windows = (values.window ?? []).map(parseWindow);
const cap = values.cap === undefined ? Number.POSITIVE_INFINITY : Number(values.cap);
if (!(cap > 0)) throw new Error(`--cap takes a number of µs, not ${values.cap}`);
const { profile, nodes, parent } = readCpuProfile(file);
const stackLayer = new Map<number, string>();
function layerOfNode(id: number): string {
  let layer = stackLayer.get(id);
  if (layer === undefined) {
    const stack: CallFrame[] = [];
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      stack.push((nodes.get(at) as ProfileNode).callFrame);
    }
    layer = layerOfStack(stack);
    stackLayer.set(id, layer);
  }
  return layer;
}

const inclusivePart = values.inclusive;
const stackKeys = new Map<number, string[]>();
/** The distinct `--inclusive` functions on a node's stack. */
function inclusiveKeysOf(id: number): string[] {
  let keys = stackKeys.get(id);
  if (keys === undefined) {
    const found = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = (nodes.get(at) as ProfileNode).callFrame;
      if (inclusivePart !== undefined && frame.url.includes(inclusivePart)) found.add(keyOf(frame));
    }
    keys = [...found];
    stackKeys.set(id, keys);
  }
  return keys;
}
function keyOf({ functionName, url, lineNumber }: CallFrame): string {
  const where =
    url === ''
      ? ''
      : ` ${url.replace(/^.*node_modules\//, '').replace(/^.*\/work\/[^/]+\//, '')}:${lineNumber + 1}`;
  return `${functionName || '(anonymous)'}${where}`;
}

const byLayer = new Map<string, number>();
const byFunction = new Map<string, number>();
const byInclusive = new Map<string, number>();
let total = 0;
let at = profile.startTime;
for (const [i, id] of profile.samples.entries()) {
  const gap = profile.timeDeltas[i] ?? 0;
  at += gap;
  const delta = Math.min(gap, cap);
  if (windows.length > 0 && !windows.some((w) => at >= w.from && at <= w.to)) continue;
  total += delta;
  const layer = layerOfNode(id);
  byLayer.set(layer, (byLayer.get(layer) ?? 0) + delta);
  const key = `${layer}: ${keyOf((nodes.get(id) as ProfileNode).callFrame)}`;
  byFunction.set(key, (byFunction.get(key) ?? 0) + delta);
  for (const name of inclusiveKeysOf(id))
    byInclusive.set(name, (byInclusive.get(name) ?? 0) + delta);
}

const busy = total - (byLayer.get(SPECIAL['(idle)'] as string) ?? 0);
const pct = (n: number, of: number) => `${((100 * n) / Math.max(1, of)).toFixed(1)} %`;
console.log(`${(total / 1e6).toFixed(2)} s of samples, ${(busy / 1e6).toFixed(2)} s not idle`);
console.log('| layer | share of samples | share of busy time |');
console.log('|---|---|---|');
for (const [layer, us] of [...byLayer].sort((a, b) => b[1] - a[1])) {
  const ofBusy = layer === SPECIAL['(idle)'] ? '' : pct(us, busy);
  console.log(`| ${layer} | ${pct(us, total)} | ${ofBusy} |`);
}
console.log('');
console.log('| top functions (self time) | share of samples |');
console.log('|---|---|');
for (const [key, us] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top))) {
  console.log(`| ${key} | ${pct(us, total)} |`);
}
if (inclusivePart !== undefined) {
  console.log('');
  console.log(`| functions of ${inclusivePart} (with all they call) | share of samples |`);
  console.log('|---|---|');
  for (const [key, us] of [...byInclusive]
    .sort((a, b) => b[1] - a[1])
    .slice(0, Number(values.top))) {
    console.log(`| ${key} | ${pct(us, total)} |`);
  }
}
