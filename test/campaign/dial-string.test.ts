import { describe, expect, it } from 'vitest';
import { checkDialString, renderDialString } from '../../src/campaign/dial-string.js';

describe('renderDialString', () => {
  it('renders each number into the same template, call after call', () => {
    const template = 'PJSIP/{e164digits}@my-trunk';
    expect(renderDialString(template, '+14155550101')).toBe('PJSIP/14155550101@my-trunk');
    expect(renderDialString(template, '+442079460958')).toBe('PJSIP/442079460958@my-trunk');
    expect(renderDialString('Local/{number}@from-internal', '+14155550101')).toBe(
      'Local/+14155550101@from-internal',
    );
    expect(renderDialString('Local/{national}@from-internal', '+442079460958')).toBe(
      'Local/02079460958@from-internal',
    );
  });

  it('refuses an invalid template every time it is asked, with its problems', () => {
    const template = 'PJSIP/{number}&PJSIP/{number}@trunk';
    const problems = checkDialString(template);
    expect(problems.ok).toBe(false);
    for (let i = 0; i < 3; i += 1) {
      expect(() => renderDialString(template, '+14155550101')).toThrow(/invalid dial string/);
    }
  });

  it('checks every template of many in turn, past the ones it remembers', () => {
    // More templates than the checks kept: each still renders or refuses as its own.
    for (let i = 0; i < 200; i += 1) {
      expect(renderDialString(`PJSIP/{e164digits}@trunk-${i}`, '+14155550101')).toBe(
        `PJSIP/14155550101@trunk-${i}`,
      );
      expect(() => renderDialString(`PJSIP/{e164digits}@trunk ${i}`, '+14155550101')).toThrow(
        RangeError,
      );
    }
  });
});
