import { describe, expect, it } from 'vitest';
import { MAX_ERROR_TEXT, shortErrorText } from '../../src/ari/ari-error-text.js';
import { SHUTTING_DOWN_PAGE as SHUTTING_DOWN } from '../../src/sim/sim-http.js';

describe('shortErrorText', () => {
  it("keeps ARI's own JSON message", () => {
    expect(shortErrorText({ message: 'Channel not found' })).toBe('Channel not found');
  });

  it('takes the first line of an HTML page, never the page', () => {
    expect(shortErrorText(SHUTTING_DOWN)).toBe('503 Service Unavailable');
  });

  it('takes the first non-blank line of plain text and cuts it to its limit', () => {
    expect(shortErrorText('\n  Internal   error \nstack…')).toBe('Internal error');
    const long = shortErrorText('x'.repeat(5_000));
    expect(long).toHaveLength(MAX_ERROR_TEXT);
    expect(long.endsWith('…')).toBe(true);
  });

  it('says so when there is nothing to say', () => {
    expect(shortErrorText('')).toBe('no message');
    expect(shortErrorText(undefined)).toBe('no message');
    expect(shortErrorText('<html><body></body></html>')).toBe('no message');
  });
});
