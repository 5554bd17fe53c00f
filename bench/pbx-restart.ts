/**
 * Time from a PBX's return to dialstate dialing again. dialstate (its composition root)
 * dials a campaign against a simulated Asterisk that is shut down — every call hung up
 * with cause 0, HTML 503s, connections refused — and started again after a random
 * 0.3–3 s, `--rounds` times. For each return: ARI answering again → dialstate's app
 * registered again (reconnect) and → the first new originate. Goal: ≤ 2 s to the first
 * originate.
 *
 *   npm run bench:pbx-restart -- [--rounds 10] [--seed 13]
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { measurePbxRestarts } from '../test/support/pbx-restart-run.js';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '10' },
    seed: { type: 'string', default: '13' },
  },
});

const rounds = await measurePbxRestarts({
  rounds: Number(values.rounds),
  seed: Number(values.seed),
  downMs: { min: 300, max: 3_000 },
});

function summary(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return `median ${at(0.5).toFixed(0)} ms, p90 ${at(0.9).toFixed(0)} ms, max ${at(1).toFixed(0)} ms`;
}

console.log(
  `pbx restart, node ${process.version}, ${os.cpus().length} cores, load ${os.loadavg()[0]?.toFixed(2)}, ${new Date().toISOString()}`,
);
for (const round of rounds) {
  console.log(
    `  down ${round.downMs} ms: reconnected after ${round.reconnectMs.toFixed(0)} ms, first originate after ${round.firstOriginateMs.toFixed(0)} ms`,
  );
}
console.log(`reconnect:        ${summary(rounds.map((r) => r.reconnectMs))}`);
console.log(`first originate:  ${summary(rounds.map((r) => r.firstOriginateMs))}`);
