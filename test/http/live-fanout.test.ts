import { afterEach, describe, expect, it } from 'vitest';
import { createLiveEventHub, type LiveEventHub } from '../../src/http/live-event-hub.js';
import type { LiveEventData } from '../../src/http/live-event-schemas.js';
import { createLiveFanout, type LiveFanout } from '../../src/http/live-fanout.js';

let fanout: LiveFanout | undefined;
afterEach(() => {
  fanout?.stop();
  fanout = undefined;
});

function setUp(options: { maxQueuedBytes?: number } = {}): {
  hub: LiveEventHub;
  fanout: LiveFanout;
} {
  const hub = createLiveEventHub({ boot: 'b1' });
  fanout = createLiveFanout({ hub, ...options });
  return { hub, fanout };
}

/** Reads a client's stream as text, as a browser would. */
function reader(stream: ReadableStream<Uint8Array>) {
  const decoder = new TextDecoder();
  const source = stream.getReader();
  let text = '';
  let ended = false;
  return {
    text: () => text,
    ended: () => ended,
    /** Reads until `done(text)` holds or the stream ends. */
    async until(done: (text: string) => boolean): Promise<string> {
      while (!done(text) && !ended) {
        const { value, done: end } = await source.read();
        if (end) ended = true;
        else text += decoder.decode(value, { stream: true });
      }
      return text;
    },
  };
}

/** The `n`th attempt event, of campaign `even` or `odd`; `state` may pad it. */
function attemptEvent(n: number, state = 'ringing') {
  const campaignId = n % 2 === 0 ? 'even' : 'odd';
  const data: LiveEventData['attempt'] = {
    attemptId: `a-${n}`,
    leadId: `l-${n}`,
    campaignId,
    seq: n,
    event: 'ORIGINATED',
    at: n,
    state,
    done: false,
    outcome: null,
  };
  return { type: 'attempt' as const, campaignId, data };
}

describe('createLiveFanout', () => {
  it('serialises each event once however many clients follow it, and sends each the same frame', async () => {
    const { hub, fanout } = setUp();
    const clients = Array.from({ length: 50 }, () => reader(fanout.open({})));
    let serialised = 0;
    const event = attemptEvent(1);
    hub.publish({
      ...event,
      data: Object.assign(event.data, {
        toJSON() {
          serialised += 1;
          return { attemptId: 'a-1' };
        },
      }),
    });
    const frame = 'id: b1-1\nevent: attempt\ndata: {"attemptId":"a-1"}\n\n';
    const texts = await Promise.all(clients.map((c) => c.until((t) => t.includes(frame))));
    expect(serialised).toBe(1);
    for (const text of texts) expect(text).toBe(`event: ready\ndata: {}\n\n${frame}`);
  });

  it('sends a campaign-filtered client only its campaign, in order', async () => {
    const { hub, fanout } = setUp();
    const odd = reader(fanout.open({ campaignId: 'odd' }));
    for (let n = 1; n <= 6; n += 1) hub.publish(attemptEvent(n));
    const text = await odd.until((t) => t.includes('b1-5'));
    expect([...text.matchAll(/^id: (.+)$/gm)].map((m) => m[1])).toEqual(['b1-1', 'b1-3', 'b1-5']);
  });

  it('ends a client that does not read with a reset once its queue is full, and keeps serving the others', async () => {
    const { hub, fanout } = setUp({ maxQueuedBytes: 4_096 });
    const stalled = fanout.open({});
    const fast = reader(fanout.open({}));
    const payload = 'x'.repeat(100);
    for (let n = 1; n <= 100; n += 1) {
      hub.publish(attemptEvent(n, payload));
      // One round per event: the fast client reads each, the stalled one piles them up.
      await fast.until((t) => t.includes(`id: b1-${n}\n`));
    }
    expect(fanout.clientCount()).toBe(1);

    // Its backlog was dropped at the bound (some 16 of these 260-byte events), not sent
    // late: it gets a reset naming the event it overflowed on, reloads, and resumes there.
    const late = reader(stalled);
    const text = await late.until(() => false);
    expect(late.ended()).toBe(true);
    const overflowedOn = Number(/^id: b1-(\d+)\nevent: reset\ndata: \{\}\n\n$/.exec(text)?.[1]);
    expect(overflowedOn).toBeGreaterThanOrEqual(14);
    expect(overflowedOn).toBeLessThanOrEqual(18);
    expect(fast.text().match(/event: attempt/g)).toHaveLength(100);
  });

  it('resumes after Last-Event-ID with each missed event once, also those not yet fanned out', async () => {
    const { hub, fanout } = setUp();
    for (let n = 1; n <= 3; n += 1) hub.publish(attemptEvent(n));
    // b1-2 and b1-3 are still waiting for their round when the client comes back.
    const resumed = reader(fanout.open({ lastEventId: 'b1-1' }));
    hub.publish(attemptEvent(4));
    const text = await resumed.until((t) => t.includes('id: b1-4'));
    expect([...text.matchAll(/^id: (.+)$/gm)].map((m) => m[1])).toEqual(['b1-2', 'b1-3', 'b1-4']);

    const stale = reader(fanout.open({ lastEventId: 'another-run-7' }));
    expect(await stale.until((t) => t.includes('reset'))).toBe(
      'id: b1-4\nevent: reset\ndata: {}\n\n',
    );
  });

  it('forgets a client that went away', async () => {
    const { fanout } = setUp();
    const stream = fanout.open({});
    expect(fanout.clientCount()).toBe(1);
    await stream.cancel();
    expect(fanout.clientCount()).toBe(0);
  });
});
