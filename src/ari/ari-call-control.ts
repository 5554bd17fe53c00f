import { type CallControl, CallControlError } from '../calls/ports.js';
import { isLocalDialString } from '../campaign/dial-string.js';
import { AriRequestError } from './ari-errors.js';
import type { AriRest } from './ari-rest.js';
import { type ChannelIds, dialstateChannelIds } from './channel-ids.js';

/** A command's answer on success is not read (see `AriRest.call`). */
const UNREAD = { answer: false } as const;

/** Deployment names the commands need. */
export interface AriCallControlOptions {
  /** Our Stasis app: answered calls enter it, and `dial,<attemptId>` comes with them. */
  app: string;
  /** Dialplan context the number is dialled in: `Local/<number>@<dialContext>`. */
  dialContext: string;
  /** Context of the AMD hop (dialplan/extensions_dialstate.conf). */
  amdContext: string;
  /** How attempt ids are read back from channel ids. */
  ids?: ChannelIds;
}

/**
 * Carries out the attempt machine's commands as ARI requests. Each resolves when ARI
 * accepted the request and rejects with a `CallControlError` (status and ARI's message,
 * `cause` set) when it did not; what happens next arrives as events. ARI's answer to
 * an accepted command (the new channel's snapshot for an originate) is not read: the
 * events say the same, in order.
 */
export function createAriCallControl(rest: AriRest, options: AriCallControlOptions): CallControl {
  const { app, dialContext, amdContext } = options;
  const ids = options.ids ?? dialstateChannelIds;

  async function request(
    resource: string,
    operation: string,
    params: Record<string, unknown>,
    doing?: string,
  ): Promise<void> {
    try {
      await rest.call(resource, operation, params, UNREAD);
    } catch (error) {
      throw toCallControlError(error, doing);
    }
  }

  return {
    async originate({ channelId, number, endpoint, callerId, timeoutSec, variables }) {
      // Attempts of machine version 1 carry no endpoint: they always dialed through the
      // dial context.
      const dialed = endpoint ?? `Local/${number}@${dialContext}`;
      await request('channels', 'originate', {
        endpoint: dialed,
        app,
        appArgs: `dial,${ids.attemptIdOf(channelId) ?? channelId}`,
        channelId,
        // A Local channel's second half: Asterisk would derive the same id (fact 1);
        // naming it keeps that explicit. Other technologies have one channel.
        ...(isLocalDialString(dialed) ? { otherChannelId: `${channelId};2` } : {}),
        callerId: callerId ?? undefined,
        timeout: timeoutSec,
        // ARI's `variables` body object: anything else is silently lost.
        variables,
      });
    },

    async continueToAmd({ channelId }) {
      // The AMD options are not sent here: they travel with the originate as
      // AAVA_AMD_OPTS, which the AMD context reads (dialplan/extensions_dialstate.conf).
      await request('channels', 'continueInDialplan', {
        channelId,
        context: amdContext,
        extension: 's',
        priority: 1,
      });
    },

    async play({ channelId, playbackId, media }) {
      await request('channels', 'play', { channelId, media, playbackId });
    },

    async stopPlayback({ playbackId }) {
      try {
        await rest.call('playbacks', 'stop', { playbackId }, UNREAD);
      } catch (error) {
        // A playback that already finished is gone (404): it is stopped either way.
        if (error instanceof AriRequestError && error.status === 404) return;
        throw toCallControlError(error);
      }
    },

    async detectGreetingEnd({ channelId }) {
      // TALK_DETECT(set) with no value arms talk detection with its defaults; the end of
      // the greeting comes back as ChannelTalkingFinished (fact 17).
      await request('channels', 'setChannelVar', { channelId, variable: 'TALK_DETECT(set)' });
    },

    async handOff({ channelId, target, variables }) {
      // Set before the hand-off: the AI target reads them as soon as it has the call.
      for (const [variable, value] of Object.entries(variables)) {
        await request(
          'channels',
          'setChannelVar',
          { channelId, variable, value },
          `setting ${variable}`,
        );
      }
      if (target.kind === 'dialplan') {
        await request('channels', 'continueInDialplan', {
          channelId,
          context: target.context,
          extension: target.extension,
          priority: target.priority,
        });
      } else if (target.kind === 'aava') {
        // The hand-off context runs Stasis(${DIALSTATE_AAVA_APP}) with no arguments, so
        // that AAVA starts a caller session and a missing AAVA shows as STASISSTATUS.
        await request('channels', 'continueInDialplan', {
          channelId,
          context: target.context,
          extension: 's',
          priority: 1,
        });
      } else {
        await request('channels', 'move', {
          channelId,
          app: target.app,
          appArgs: target.args.join(','),
        });
      }
    },

    async hangUp({ channelId, reason }) {
      await request(
        'channels',
        'hangup',
        reason === undefined ? { channelId } : { channelId, reason },
      );
    },
  };
}

/**
 * Wraps any failure of an ARI request as the port's error, keeping ARI's status and
 * its message (the machine adds the command name and status when it records it).
 * `doing` names the step of a multi-request command that failed.
 */
export function toCallControlError(error: unknown, doing?: string): CallControlError {
  if (error instanceof CallControlError) return error;
  const detail =
    error instanceof AriRequestError
      ? error.detail
      : error instanceof Error
        ? error.message
        : String(error);
  const status = error instanceof AriRequestError ? error.status : undefined;
  return new CallControlError(doing ? `${doing}: ${detail}` : detail, {
    status,
    cause: error,
  });
}
