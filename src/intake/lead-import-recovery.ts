import type { Logger } from 'pino';
import type { Clock } from '../calls/ports.js';

/** The reason recorded on an import a stopped process left half way. */
export const INTERRUPTED_IMPORT_ERROR =
  'interrupted: dialstate stopped before the import finished; no lead of it was added, import the file again';

/**
 * Marks the lead imports a previous run left `running` as failed. Their staged rows
 * lived in that run's connection and died with it, and their leads are only ever
 * written together at the very end (ADR 009), so a failed mark is all that is left to
 * put right. Run on start, before any import of this process begins.
 */
export async function recoverInterruptedImports(deps: {
  imports: { failRunning(error: string, at: number): Promise<string[]> };
  clock: Pick<Clock, 'now'>;
  log: Logger;
}): Promise<string[]> {
  const failed = await deps.imports.failRunning(INTERRUPTED_IMPORT_ERROR, deps.clock.now());
  if (failed.length > 0) {
    deps.log.warn(
      { imports: failed },
      'lead imports interrupted by the last stop were marked failed',
    );
  }
  return failed;
}
