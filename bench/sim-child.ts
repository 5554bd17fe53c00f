/**
 * The simulated Asterisk of bench/sim-host.ts's `process` placement, in a process of its
 * own: the dialer then reaches it over loopback as it would a real PBX on another host,
 * and neither's CPU time counts against the other.
 *
 *   node --import tsx bench/sim-child.ts <user> <password> <time scale>
 *
 * Driven over IPC (messages in sim-host.ts): sends `ready` with its URL once it
 * listens; `mark` starts counting originates and CPU time afresh; `report` answers the
 * originates of a range of attempts and the CPU time since the mark; `stop` (or the
 * parent going away) stops the simulator and ends the process.
 */
import { createSimulator } from '../src/sim/simulator.js';
import { createOriginateTally, type SimChildMessage, type SimParentMessage } from './sim-host.js';

const [user, password, timeScale] = process.argv.slice(2);
if (!user || !password || timeScale === undefined || !process.send) {
  throw new Error('usage (with an IPC channel): sim-child <user> <password> <time scale>');
}

const tally = createOriginateTally();
const sim = createSimulator({ user, password, timeScale: Number(timeScale), onRequest: tally.see });
const { url } = await sim.start();
let cpuFrom = process.cpuUsage();

function send(message: SimChildMessage): void {
  process.send?.(message);
}

async function stop(): Promise<never> {
  await sim.stop();
  process.exit(0);
}

process.on('message', (message: SimParentMessage) => {
  switch (message.type) {
    case 'mark':
      tally.reset();
      cpuFrom = process.cpuUsage();
      send({ type: 'marked' });
      return;
    case 'report': {
      const cpu = process.cpuUsage(cpuFrom);
      send({
        type: 'report',
        ...tally.report(message.first, message.leads),
        cpuMs: (cpu.user + cpu.system) / 1000,
      });
      return;
    }
    case 'stop':
      void stop();
      return;
  }
});
// An orphan would keep its port and its CPU: it goes with the benchmark.
process.on('disconnect', () => void stop());
send({ type: 'ready', url });
