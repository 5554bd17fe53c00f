import { describe, expect, it } from 'vitest';
import { createLiveEventHub } from '../../src/http/live-event-hub.js';
import { parseLiveEvent } from '../../src/http/live-event-schemas.js';
import { createLiveFanout } from '../../src/http/live-fanout.js';

const ATTEMPT = {
  attemptId: 'a-1',
  leadId: 'l-1',
  campaignId: 'c',
  seq: 2,
  event: 'ANSWERED',
  at: 1_700_000_000_000,
  state: 'talking',
  done: false,
  outcome: null,
};

describe('parseLiveEvent', () => {
  it('reads each event by its name, the control frames included', () => {
    expect(parseLiveEvent('attempt', JSON.stringify(ATTEMPT))).toEqual({
      type: 'attempt',
      data: ATTEMPT,
    });
    expect(parseLiveEvent('leads', '{"campaignId":"c","leadIds":null}')).toEqual({
      type: 'leads',
      data: { campaignId: 'c', leadIds: null },
    });
    expect(parseLiveEvent('ready', '{}')).toEqual({ type: 'ready', data: {} });
    expect(parseLiveEvent('reset', '{}')).toEqual({ type: 'reset', data: {} });
  });

  it('refuses a name it does not know, data that is not JSON, and data off its schema', () => {
    expect(() => parseLiveEvent('message', '{}')).toThrow('not a live event name: "message"');
    expect(() => parseLiveEvent('attempt', '{"attemptId":')).toThrow('is not JSON');
    const { seq: _seq, ...noSeq } = ATTEMPT;
    expect(() => parseLiveEvent('attempt', JSON.stringify(noSeq))).toThrow(
      /"attempt" event does not fit its schema.*seq/s,
    );
    expect(() =>
      parseLiveEvent('attempt', JSON.stringify({ ...ATTEMPT, outcome: 'teleported' })),
    ).toThrow(/outcome/);
    expect(() => parseLiveEvent('ready', '{"extra":1}')).toThrow(/"ready" event/);
  });

  it('reads the frames the fanout writes, as the published events were', async () => {
    const hub = createLiveEventHub({ boot: 'b' });
    const fanout = createLiveFanout({ hub });
    const stream = fanout.open({});
    hub.publish({ type: 'attempt', campaignId: 'c', data: ATTEMPT });
    const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    while (!text.includes('event: attempt')) text += (await reader.read()).value ?? '';
    fanout.stop();
    const frames = text
      .split('\n\n')
      .filter((frame) => frame !== '')
      .map((frame) => {
        const field = (name: string) =>
          frame
            .split('\n')
            .find((line) => line.startsWith(`${name}: `))
            ?.slice(name.length + 2) ?? '';
        return parseLiveEvent(field('event'), field('data'));
      });
    expect(frames).toEqual([
      { type: 'ready', data: {} },
      { type: 'attempt', data: ATTEMPT },
    ]);
  });
});
