import { describe, expect, it } from 'vitest';
import { choosePbx, type PbxLoad } from '../../src/campaign/pbx-choice.js';

const pbx = (name: string, live: number, maxChannels = 10, unavailable: string | null = null) =>
  ({ name, live, maxChannels, unavailable }) satisfies PbxLoad;

describe('choosePbx', () => {
  it('takes the least loaded PBX by the share of its channels in use', () => {
    // 5/10 is busier than 20/100: the larger PBX takes the call.
    expect(choosePbx([pbx('a', 5, 10), pbx('b', 20, 100)], null)).toEqual({ ok: true, pbx: 'b' });
    expect(choosePbx([pbx('a', 1), pbx('b', 0), pbx('c', 2)], null)).toEqual({
      ok: true,
      pbx: 'b',
    });
  });

  it('breaks ties by fewer live calls, then by the order of configuration', () => {
    expect(choosePbx([pbx('a', 2, 4), pbx('b', 1, 2)], null)).toEqual({ ok: true, pbx: 'b' });
    expect(choosePbx([pbx('a', 0), pbx('b', 0)], null)).toEqual({ ok: true, pbx: 'a' });
  });

  it('skips PBXs that are unavailable, at their cap or held off by the breaker, and says why', () => {
    const pbxs = [
      pbx('a', 0, 10, 'not connected to its ARI (reconnecting)'),
      pbx('b', 3, 3),
      pbx('c', 0),
    ];
    expect(choosePbx(pbxs, null)).toEqual({ ok: true, pbx: 'c' });
    expect(choosePbx(pbxs, null, new Set(['c']))).toEqual({
      ok: false,
      detail:
        "a: not connected to its ARI (reconnecting); b: at its channel cap (3/3); c: the campaign's calls on it keep failing (circuit breaker)",
    });
  });

  it("keeps to the campaign's PBXs, and says when none of them is configured", () => {
    const pbxs = [pbx('a', 0), pbx('b', 9)];
    expect(choosePbx(pbxs, ['b'])).toEqual({ ok: true, pbx: 'b' });
    expect(choosePbx(pbxs, ['x', 'y'])).toEqual({
      ok: false,
      detail: "none of the campaign's PBXs (x, y) is configured and enabled",
    });
    expect(choosePbx([], null)).toEqual({ ok: false, detail: 'no PBX is enabled' });
  });

  it('holds the call back when a load is not a number', () => {
    expect(choosePbx([pbx('a', Number.NaN)], null).ok).toBe(false);
  });
});
