import { describe, expect, it } from 'vitest';
import {
  appArgumentProblem,
  callerIdProblem,
  channelVariableProblem,
  contextNameProblem,
  extensionProblem,
  freeTextProblem,
  MAX_CHANNEL_VARIABLE_BYTES,
  MAX_DIALPLAN_NAME_LENGTH,
  tokenProblem,
  utf8Length,
} from '../../src/campaign/pbx-strings.js';

describe('free text', () => {
  it('accepts any printable text, accents and emoji included', () => {
    for (const text of ['Flu shots 2026', 'Rappel – café', 'Ünïcødé 👋🏽', '', 'a "quoted" <b>']) {
      expect(freeTextProblem(text)).toBeNull();
    }
  });

  it('refuses each control character, naming it and where it is', () => {
    expect(freeTextProblem('abc\u0000')).toBe(
      'must not contain control characters such as line breaks or NUL (found U+0000 at character 4)',
    );
    for (const control of ['\r', '\n', '\t', '\u001b', '\u007f', '\u0085', '\u009f', '\u2028']) {
      expect(freeTextProblem(`a${control}b`)).toMatch(/control characters/);
    }
  });

  it('refuses a lone surrogate but not a pair', () => {
    expect(freeTextProblem('a\ud800b')).toMatch(/lone surrogate/);
    expect(freeTextProblem('a\udc00')).toMatch(/lone surrogate/);
    expect(freeTextProblem('\ud83d\udc4b')).toBeNull();
  });
});

describe('dialplan names', () => {
  it('takes a context of letters, digits, "-" and "_" up to 79 characters', () => {
    for (const context of ['from-internal', 'ai_handoff', 'A1', 'x'.repeat(79)]) {
      expect(contextNameProblem(context)).toBeNull();
    }
    expect(contextNameProblem('x'.repeat(MAX_DIALPLAN_NAME_LENGTH + 1))).toMatch(/at most 79/);
    expect(contextNameProblem('')).toBe('must not be empty');
  });

  it('refuses separators, paths and spaces in a context', () => {
    for (const context of ['a,b', 'a|b', '../etc', 'from internal', 'ctx\n', 'ctx;1', 'é']) {
      expect(contextNameProblem(context)).toBe('may only hold letters, digits, "-" and "_"');
    }
  });

  it('takes literal extensions, and refuses patterns and separators', () => {
    for (const extension of ['s', '1000', '*98', '#', '+15551234567', 'ai-agent', 'a_b']) {
      expect(extensionProblem(extension)).toBeNull();
    }
    expect(extensionProblem('_X.')).toMatch(/pattern/);
    for (const extension of ['1,2', 's@ctx', '1 2', '1/2', '1.']) {
      expect(extensionProblem(extension)).toMatch(/may only hold/);
    }
    expect(extensionProblem('1'.repeat(80))).toMatch(/at most 79/);
  });
});

describe('tokens and application arguments', () => {
  it('takes names of letters, digits, ".", "-" and "_" within the length', () => {
    expect(tokenProblem('asterisk-ai-voice-agent')).toBeNull();
    expect(tokenProblem('openai_realtime.v2')).toBeNull();
    expect(tokenProblem('')).toBe('must not be empty');
    expect(tokenProblem('abc', 2)).toBe('must be at most 2 characters');
    for (const token of ['a,b', 'a b', 'a/b', 'a\u0000'])
      expect(tokenProblem(token)).toMatch(/only/);
  });

  it('refuses an argument with a comma, which would split it in two', () => {
    expect(appArgumentProblem('mode=outbound')).toBeNull();
    expect(appArgumentProblem('a b "c"')).toBeNull();
    expect(appArgumentProblem('a,b')).toMatch(/","/);
    expect(appArgumentProblem('a\nb')).toMatch(/control/);
  });
});

describe('caller ids', () => {
  it('takes a number alone or with a name, quoted or not', () => {
    for (const callerId of [
      '+15551234567',
      '6789',
      '"Clinic" <6789>',
      'Clinic Reminders <+15551234567>',
      '<6789>',
      '"" <6789>',
      '  "Dr. Müller" <*98#>  ',
    ]) {
      expect(callerIdProblem(callerId), callerId).toBeNull();
    }
  });

  it('refuses unpaired quotes and brackets, names with them, and bad numbers', () => {
    expect(callerIdProblem('"Clinic <6789>')).toMatch(/the name must not contain/);
    expect(callerIdProblem('Clinic <6789')).toMatch(/paired/);
    expect(callerIdProblem('Cli"nic <6789>')).toMatch(/the name must not contain/);
    expect(callerIdProblem('"Clinic" 6789')).toMatch(/paired/);
    expect(callerIdProblem('Clinic')).toMatch(/may only hold digits/);
    expect(callerIdProblem('"Clinic" <>')).toMatch(/needs a number/);
    expect(callerIdProblem('"Clinic" <555-1234>')).toMatch(/may only hold digits/);
    expect(callerIdProblem(`<${'1'.repeat(41)}>`)).toMatch(/at most 40/);
    expect(callerIdProblem('"Clinic\r\nX-Header: 1" <6789>')).toMatch(/control/);
  });
});

describe('channel variables', () => {
  it('takes values up to 4095 bytes of UTF-8, counting multi-byte characters', () => {
    expect(channelVariableProblem('a'.repeat(MAX_CHANNEL_VARIABLE_BYTES))).toBeNull();
    expect(channelVariableProblem('a'.repeat(MAX_CHANNEL_VARIABLE_BYTES + 1))).toBe(
      'is 4096 bytes as UTF-8; a channel variable holds at most 4095',
    );
    // 2048 two-byte characters: 2048 characters, 4096 bytes.
    expect(channelVariableProblem('é'.repeat(2048))).toMatch(/4096 bytes/);
    expect(channelVariableProblem('abc', 2)).toMatch(/at most 2/);
    expect(channelVariableProblem('a\u0000b')).toMatch(/control/);
  });

  it('counts UTF-8 bytes as Node encodes them', () => {
    for (const text of ['', 'abc', 'é', '€', '👋🏽', 'a\u0800\u07ff\uffff']) {
      expect(utf8Length(text), text).toBe(Buffer.byteLength(text));
    }
  });
});
