import type { Config } from '../config.js';
import { startDialstate } from '../main.js';

/** `dialstate serve`: runs until SIGINT or SIGTERM, then shuts down cleanly. */
export async function serveCommand(config: Config): Promise<number> {
  const dialstate = await startDialstate(config);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await dialstate.stop();
  return 0;
}
