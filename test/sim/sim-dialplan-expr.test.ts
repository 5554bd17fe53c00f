// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Asterisk writes its variables ${LIKE_THIS}; these strings are dialplan, not templates.
import { describe, expect, it } from 'vitest';
import { expandDialplan } from '../../src/sim/sim-dialplan-expr.js';

const vars: Record<string, string> = {
  DIALSTATE_STASIS_APP: 'dialstate',
  STASISSTATUS: 'FAILED',
  HOP_WAITED_MS: '1500',
  HOP_WAIT_MS: '15000',
  'CHANNEL(state)': 'Up',
};
const expand = (text: string) => expandDialplan(text, (name) => vars[name]);

describe('expandDialplan', () => {
  it('expands variables innermost first, unset ones to nothing', () => {
    expect(
      expand('AMD_APP=${IF(${ISNULL(${DIALSTATE_STASIS_APP})}?dialer:${DIALSTATE_STASIS_APP})}'),
    ).toBe('AMD_APP=dialstate');
    expect(expand('AMD_APP=${IF(${ISNULL(${NOT_SET})}?dialer:${NOT_SET})}')).toBe('AMD_APP=dialer');
    expect(expand('x${NOT_SET}y')).toBe('xy');
  });

  it('evaluates the comparisons and arithmetic of the shipped hop', () => {
    expect(expand('$["${CHANNEL(state)}" != "Up"]?Answer()')).toBe('0?Answer()');
    expect(expand('$["${STASISSTATUS}" != "FAILED"]?end')).toBe('0?end');
    expect(expand('$[${HOP_WAITED_MS} >= ${HOP_WAIT_MS}]?giveup')).toBe('0?giveup');
    expect(expand('HOP_WAITED_MS=$[${HOP_WAITED_MS} + 500]')).toBe('HOP_WAITED_MS=2000');
    expect(expand('$[2 + 3 * 4]')).toBe('14');
  });

  it('refuses unbalanced text rather than guessing', () => {
    expect(() => expand('${OPEN')).toThrow(SyntaxError);
  });
});
