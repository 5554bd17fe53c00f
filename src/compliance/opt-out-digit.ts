import type { Logger } from 'pino';
import type { AttemptRunner } from '../calls/attempt-runner.js';
import type { Clock } from '../calls/ports.js';
import { type OptOutStore, recordOptOut } from './opt-out.js';

/**
 * Lists the number of every call that ended `opted_out` (the callee pressed the
 * campaign's opt-out digit at the consent prompt) on the global do-not-call list,
 * through the same service as `POST /api/opt-outs`: the campaign, the attempt and the
 * time are its source, "pressed <digit>" its reason. Returns the unsubscribe function.
 */
export function listOptOutDigits(deps: {
  runner: Pick<AttemptRunner, 'onTransition'>;
  store: OptOutStore;
  clock: Pick<Clock, 'now'>;
  log: Logger;
}): () => void {
  // The digit each live call last heard, for the reason; a call resumed after a
  // restart may have pressed it before, and is listed with a generic reason.
  const lastDigit = new Map<string, string>();
  return deps.runner.onTransition((transition) => {
    const { attemptId, event } = transition;
    if (event.type === 'dtmf.received') lastDigit.set(attemptId, event.digit);
    if (!transition.done) return;
    const digit = lastDigit.get(attemptId);
    lastDigit.delete(attemptId);
    if (transition.outcome !== 'opted_out') return;
    const reason = digit === undefined ? 'pressed the opt-out digit' : `pressed ${digit}`;
    recordOptOut(deps, { attemptId, scope: 'global', reason })
      .then((result) => {
        if (!result.ok) {
          deps.log.error({ attemptId, reason: result.message }, 'could not list an opt-out');
          return;
        }
        deps.log.info(
          { attemptId, campaignId: result.call.campaignId, changed: result.changed },
          'opt-out digit: number listed as do-not-call',
        );
      })
      .catch((error: unknown) => {
        deps.log.error({ err: error, attemptId }, 'could not list an opt-out');
      });
  });
}
