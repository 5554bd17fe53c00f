import { replayStoredAttempt } from '../calls/replay-stored-attempt.js';
import type { Config } from '../config.js';
import { ATTEMPT_MACHINE_VERSION } from '../machines/attempt.js';
import { withDatabase } from '../wiring/database.js';
import { formatTimeline } from './format-timeline.js';

/** `dialstate replay`: re-runs a stored attempt and prints its timeline. */
export async function replayCommand(
  config: Config,
  attemptId: string,
  options: { json: boolean },
): Promise<number> {
  return withDatabase(config.db, async (database) => {
    const replayed = await replayStoredAttempt(database.journal, attemptId);
    if (!replayed) {
      console.error(`no attempt ${attemptId} in ${database.location}`);
      return 1;
    }
    const { attempt, entries, timeline, replay } = replayed;
    const mismatch = replay.status === 'ok' ? null : replay;
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
            talkMs: replayed.talkMs,
          },
          timeline,
        ),
      );
      console.log('');
      console.log(
        mismatch
          ? `replay: ${mismatch.status === 'mismatch' ? 'MISMATCH' : 'CANNOT REPLAY'} — ${mismatch.message}`
          : `replay: all ${entries.length} events reproduced by machine v${attempt.machineVersion} (current v${ATTEMPT_MACHINE_VERSION})`,
      );
    }
    return mismatch ? 1 : 0;
  });
}
