import type { Config } from '../config.js';
import { ATTEMPT_MACHINE_VERSION } from '../machines/attempt.js';
import { ReplayMismatchError, replayAttempt } from '../machines/attempt-replay.js';
import { buildAttemptTimeline } from '../machines/attempt-timeline.js';
import { openMigratedStore } from '../main.js';
import { createAttemptJournal } from '../store/attempt-journal.js';
import { formatTimeline } from './format-timeline.js';

/** `dialstate replay`: re-runs a stored attempt and prints its timeline. */
export async function replayCommand(
  config: Config,
  attemptId: string,
  options: { json: boolean },
): Promise<number> {
  const { store } = await openMigratedStore(config);
  try {
    const journal = createAttemptJournal(store);
    const attempt = await journal.loadAttempt(attemptId);
    if (!attempt) {
      console.error(`no attempt ${attemptId} in ${config.db.path}`);
      return 1;
    }
    const entries = await journal.loadEntries(attemptId);
    const timeline = buildAttemptTimeline(entries, attempt.snapshot.context.outcome);
    let mismatch: ReplayMismatchError | null = null;
    try {
      replayAttempt({ machineVersion: attempt.machineVersion, input: attempt.input, entries });
    } catch (error) {
      if (!(error instanceof ReplayMismatchError)) throw error;
      mismatch = error;
    }
    if (options.json) {
      console.log(
        JSON.stringify(
          { attempt: attemptId, timeline, replay: mismatch ? mismatch.message : 'ok' },
          null,
          2,
        ),
      );
    } else {
      const facts = attempt.snapshot.context;
      console.log(
        formatTimeline(
          {
            attemptId,
            campaignId: attempt.campaignId,
            leadId: attempt.leadId,
            number: attempt.input.number,
            machineVersion: attempt.machineVersion,
            outcome: facts.outcome,
            error: facts.error,
            talkMs:
              facts.handedOffAt !== null && facts.endedAt !== null
                ? facts.endedAt - facts.handedOffAt
                : null,
          },
          timeline,
        ),
      );
      console.log('');
      console.log(
        mismatch
          ? `replay: MISMATCH — ${mismatch.message}`
          : `replay: all ${entries.length} events reproduced by machine v${attempt.machineVersion} (current v${ATTEMPT_MACHINE_VERSION})`,
      );
    }
    return mismatch ? 1 : 0;
  } finally {
    await store.close();
  }
}
