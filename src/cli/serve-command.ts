import type { Config } from '../config.js';
import { startDialstate } from '../main.js';

/** `dialstate serve`: runs until SIGINT or SIGTERM, then shuts down cleanly. */
export async function serveCommand(config: Config): Promise<number> {
  const dialstate = await startDialstate(config);
  if (dialstate.simulated) {
    console.error(
      [
        '',
        '  ┌───────────────────────────────────────────────────────────────────┐',
        '  │  EMBEDDED SIMULATED ASTERISK — no real calls are placed.          │',
        '  │  Set DIALSTATE_ARI_URL (see .env.example) to dial through a PBX.  │',
        '  └───────────────────────────────────────────────────────────────────┘',
        `  simulated ARI at ${dialstate.ariUrl}`,
        '',
      ].join('\n'),
    );
  }
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await dialstate.stop();
  return 0;
}
