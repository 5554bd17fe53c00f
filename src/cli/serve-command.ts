import type { Config } from '../config.js';
import { startDialstate } from '../main.js';

/**
 * `dialstate serve`: runs until SIGINT or SIGTERM, then shuts down gracefully: no new
 * lead is claimed, queued events are committed, and calls still live stay open in the
 * journal for the next start to restore. A second signal exits at once; everything
 * committed is safe, and the next start reconciles the rest.
 */
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
  const now = () => process.exit(1);
  process.once('SIGINT', now);
  process.once('SIGTERM', now);
  await dialstate.stop();
  return 0;
}
