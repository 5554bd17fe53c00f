import type { SimCall } from './sim-call.js';
import type { SimTimer } from './sim-scheduler.js';
import type { SimWorld } from './sim-world.js';

// TALK_DETECT's default dsp_silence_threshold: talking ends after 2.5 s of silence (fact 17).
const DEFAULT_SILENCE_MS = 2500;
// The DSP needs a few frames of speech before it reports talking (fact 17: 20 ms).
const DETECTION_DELAY_MS = 20;

/**
 * Applies `TALK_DETECT(set)` with `value` (`""` or `"<silence_ms>[,<talking_threshold>]"`)
 * to the dialer's channel: `ChannelTalkingStarted` when far-end speech is detected, and
 * `ChannelTalkingFinished` with the talk span's `duration` once the far end has been
 * silent for the silence threshold (fact 17). Pauses shorter than it do not end talking.
 */
export function startTalkDetect(world: SimWorld, call: SimCall, value: string): void {
  stopTalkDetect(call);
  const silenceMs = parseSilence(value);
  const timers: SimTimer[] = [];
  let from = world.scheduler.now();
  for (const span of mergeSpans(call, silenceMs)) {
    if (span.end <= from) continue;
    const startedAt = Math.max(span.start, from) + DETECTION_DELAY_MS;
    if (startedAt >= span.end) continue;
    const now = world.scheduler.now();
    timers.push(
      call.after(startedAt - now, () => {
        world.events.channel('ChannelTalkingStarted', call.local);
      }),
      call.after(span.end + silenceMs - now, () => {
        world.events.channel('ChannelTalkingFinished', call.local, {
          duration: Math.round(span.end - startedAt),
        });
      }),
    );
    from = span.end + silenceMs;
  }
  call.talkDetectTimers = timers;
}

/** `TALK_DETECT(remove)`: no more talking events. */
export function stopTalkDetect(call: SimCall): void {
  for (const timer of call.talkDetectTimers) timer.cancel();
  call.talkDetectTimers = [];
}

function parseSilence(value: string): number {
  const silence = Number.parseInt(value.split(',')[0] ?? '', 10);
  return Number.isFinite(silence) && silence > 0 ? silence : DEFAULT_SILENCE_MS;
}

/** The far end's speech with the pauses shorter than the silence threshold closed. */
function mergeSpans(call: SimCall, silenceMs: number): Array<{ start: number; end: number }> {
  const merged: Array<{ start: number; end: number }> = [];
  for (const span of call.speech) {
    const last = merged.at(-1);
    if (last && span.start - last.end < silenceMs) last.end = Math.max(last.end, span.end);
    else merged.push({ ...span });
  }
  return merged;
}
