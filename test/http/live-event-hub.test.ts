import { describe, expect, it } from 'vitest';
import { createLiveEventHub } from '../../src/http/live-event-hub.js';

const publishN = (hub: ReturnType<typeof createLiveEventHub>, n: number) =>
  Array.from({ length: n }, (_, i) =>
    hub.publish({ type: 'leads', campaignId: 'c', data: { campaignId: 'c', leadIds: [`l-${i}`] } }),
  );

describe('the live event hub', () => {
  it('hands a reconnecting client exactly the events after its last one', () => {
    const hub = createLiveEventHub({ boot: 'b1' });
    const sent = publishN(hub, 5);
    expect(sent.map((e) => e.id)).toEqual(['b1-1', 'b1-2', 'b1-3', 'b1-4', 'b1-5']);
    expect(hub.since('b1-2')).toEqual({ ok: true, events: sent.slice(2) });
    expect(hub.since('b1-5')).toEqual({ ok: true, events: [] });
  });

  it('says reload when the events a client missed are no longer buffered', () => {
    const hub = createLiveEventHub({ boot: 'b1', capacity: 3 });
    const sent = publishN(hub, 6);
    expect(hub.since('b1-1')).toEqual({ ok: false });
    expect(hub.since('b1-3')).toEqual({ ok: true, events: sent.slice(3) });
  });

  it('says reload for ids of another run, from the future, or malformed', () => {
    const hub = createLiveEventHub({ boot: 'b2' });
    publishN(hub, 2);
    expect(hub.since('b1-1')).toEqual({ ok: false });
    expect(hub.since('b2-9')).toEqual({ ok: false });
    expect(hub.since('garbage')).toEqual({ ok: false });
    expect(hub.since('b2-x')).toEqual({ ok: false });
  });

  it('delivers to subscribers until they unsubscribe', () => {
    const hub = createLiveEventHub({ boot: 'b1' });
    const got: string[] = [];
    const off = hub.subscribe((e) => got.push(e.id));
    publishN(hub, 2);
    off();
    publishN(hub, 1);
    expect(got).toEqual(['b1-1', 'b1-2']);
    expect(hub.subscriberCount()).toBe(0);
  });
});
