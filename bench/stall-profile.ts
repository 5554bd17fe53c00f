/**
 * What ran during each long event-loop turn: the samples of a `node --cpu-prof` profile
 * inside the windows bench/import.ts `--stalls` prints (monotonic µs), each counted for
 * the innermost frame of the dialer's own code (`src/…`) on its stack and the leaf
 * function (GC, native code) under it.
 *
 *   npx tsx bench/stall-profile.ts <file.cpuprofile> <from:to>… [--top 6]
 */
import { parseArgs } from 'node:util';
import { type CallFrame, type ProfileNode, parseWindow, readCpuProfile } from './cpu-profile.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string', default: '6' } },
});
const [file, ...spans] = positionals;
if (file === undefined || spans.length === 0) {
  throw new Error('usage: stall-profile <file.cpuprofile> <fromUs:toUs>… [--top 6]');
}
const windows = spans.map((span) => ({
  ...parseWindow(span),
  byKey: new Map<string, number>(),
  total: 0,
}));
const { profile, nodes, parent } = readCpuProfile(file);

const where = (frame: CallFrame) =>
  `${frame.functionName || '(anonymous)'} ${frame.url.replace(/^.*\/(src|bench|node_modules)\//, '$1/')}:${frame.lineNumber + 1}`;
const keys = new Map<number, string>();
/** `<innermost src frame> > <leaf>`; the outermost frames when no src frame is on the stack. */
function keyOf(id: number): string {
  let key = keys.get(id);
  if (key !== undefined) return key;
  const leaf = (nodes.get(id) as ProfileNode).callFrame;
  let own: CallFrame | undefined;
  const stack: CallFrame[] = [];
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const frame = (nodes.get(at) as ProfileNode).callFrame;
    stack.push(frame);
    if (own === undefined && frame.url.includes('/src/')) own = frame;
  }
  const leafText = leaf.url === '' ? leaf.functionName : where(leaf);
  key =
    own === undefined
      ? `(no src frame: ${stack
          .filter((f) => f.url !== '')
          .slice(-3)
          .map(where)
          .join(' < ')}) > ${leafText}`
      : `${where(own)} > ${leafText}`;
  keys.set(id, key);
  return key;
}

let at = profile.startTime;
for (const [i, id] of profile.samples.entries()) {
  const delta = profile.timeDeltas[i] ?? 0;
  at += delta;
  for (const w of windows) {
    if (at < w.from || at > w.to) continue;
    w.total += delta;
    const key = keyOf(id);
    w.byKey.set(key, (w.byKey.get(key) ?? 0) + delta);
  }
}

const all = new Map<string, number>();
for (const w of windows) {
  console.log(
    `window ${w.from}:${w.to} (${((w.to - w.from) / 1000).toFixed(0)} ms, ${(w.total / 1000).toFixed(0)} ms sampled)`,
  );
  for (const [key, us] of [...w.byKey].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top))) {
    console.log(`  ${(us / 1000).toFixed(1)} ms  ${key}`);
  }
  for (const [key, us] of w.byKey) all.set(key, (all.get(key) ?? 0) + us);
}
console.log('all windows together:');
for (const [key, us] of [...all].sort((a, b) => b[1] - a[1]).slice(0, 3 * Number(values.top))) {
  console.log(`  ${(us / 1000).toFixed(1)} ms  ${key}`);
}
