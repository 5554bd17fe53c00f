import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { translateAriEvent } from '../../src/ari/ari-events.js';
import { isNoiseFrame } from '../../src/ari/ari-frame-filter.js';
import { dialstateChannelIds } from '../../src/ari/channel-ids.js';
import {
  listTraces,
  TRACE_DIALER_APP,
  TRACES_DIR,
  traceChannelIds,
} from '../support/ari-traces.js';

const MSG_KEY = '"msg":';

/**
 * The websocket frames the dialer's app received, byte for byte as Asterisk sent them:
 * each trace line splices the frame in unparsed as its last field (`msg`).
 */
function rawDialerFrames(scenario: string): string[] {
  return readFileSync(resolve(TRACES_DIR, `${scenario}.jsonl`), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .filter((line) => {
      const { dir, app } = JSON.parse(line) as { dir: string; app: string };
      return dir === 'event' && app === TRACE_DIALER_APP;
    })
    .map((line) => line.slice(line.indexOf(MSG_KEY) + MSG_KEY.length, line.lastIndexOf('}')));
}

describe('isNoiseFrame', () => {
  it('drops, in every recorded call, only frames the translation drops too, and most of the noise', () => {
    let frames = 0;
    let skipped = 0;
    for (const scenario of listTraces()) {
      for (const text of rawDialerFrames(scenario)) {
        frames += 1;
        if (!isNoiseFrame(text, traceChannelIds)) continue;
        skipped += 1;
        expect(translateAriEvent(JSON.parse(text), 0, traceChannelIds), text).toBeNull();
      }
    }
    expect(frames).toBeGreaterThan(300);
    // The far end's dialplan steps and variables are most of a call's frames (fact 19).
    expect(skipped / frames).toBeGreaterThan(0.5);
  });

  it('reads type and channel id in any key order', () => {
    const farEnd = 'dialstate-a1;2';
    expect(
      isNoiseFrame(
        `{"variable":"LOCAL(1)","value":"x","type":"ChannelVarset","timestamp":"t","channel":{"name":"Local/x;2","id":"${farEnd}","state":"Up"}}`,
        dialstateChannelIds,
      ),
    ).toBe(true);
    expect(
      isNoiseFrame(
        '{"type":"ChannelVarset","variable":"STASISSTATUS","value":"FAILED","channel":{"id":"dialstate-a1"}}',
        dialstateChannelIds,
      ),
    ).toBe(false);
  });

  it('keeps what it cannot read cheaply, and what the connection or the machine needs', () => {
    const keep = [
      // The stream itself acts on ApplicationReplaced (fact 22).
      '{"type":"ApplicationReplaced","timestamp":"t","application":"dialstate","asterisk_id":"x"}',
      // The far end's destruction carries the call's cause (fact 8).
      '{"type":"ChannelDestroyed","cause":17,"cause_txt":"User busy","channel":{"id":"dialstate-a1;2"}}',
      // Dial is routed by its peer, our own half.
      '{"type":"Dial","dialstatus":"BUSY","peer":{"id":"dialstate-a1"}}',
      // A channel variable named dialstatus makes the key ambiguous: parsed.
      '{"type":"Dial","dialstatus":"","peer":{"id":"dialstate-a1","channelvars":{"dialstatus":""}}}',
      '{"type":"Dial","peer":{"id":"dialstate-a1","channelvars":{"dialstatus":""}},"dialstatus":"BUSY"}',
      // Pretty-printed or escaped: not read by keys, so parsed and translated as usual.
      '{"type": "ChannelCallerId", "channel": {"id": "dialstate-a1;2"}}',
      '{"type":"Channel\\"Odd","channel":{"id":"dialstate-a1;2"}}',
      '{"type":"ChannelStateChange","channel":{"id":"dialstate-a\\"1;2"}}',
      'not json',
    ];
    for (const text of keep) expect(isNoiseFrame(text, dialstateChannelIds), text).toBe(false);
    expect(
      isNoiseFrame(
        '{"type":"ChannelConnectedLine","channel":{"id":"dialstate-a1"}}',
        dialstateChannelIds,
      ),
    ).toBe(true);
  });

  it('drops the first Dial of a call, whose status is still empty, wherever the key comes', () => {
    for (const text of [
      '{"type":"Dial","timestamp":"t","dialstatus":"","forward":"","peer":{"id":"dialstate-a1"}}',
      '{"peer":{"id":"dialstate-a1","name":"Local/x;1"},"dialstatus":"","type":"Dial"}',
    ]) {
      expect(isNoiseFrame(text, dialstateChannelIds), text).toBe(true);
      expect(translateAriEvent(JSON.parse(text), 0, dialstateChannelIds)).toBeNull();
    }
  });
});
