import { describe, expect, it } from 'vitest';
import { parseSearchQuery } from '../../src/campaign/search-query.js';

const US = { defaultRegion: 'US', allowExtensions: false };

describe('reading a search of the leads table', () => {
  it('tries typed digits as international, as national in the campaign region, and as an extension', () => {
    expect(parseSearchQuery('(415) 555-01', US)).toEqual({
      kind: 'phone',
      prefixes: ['+41555501', '+141555501'],
    });
    expect(parseSearchQuery('+1 415', US)).toEqual({ kind: 'phone', prefixes: ['+1415'] });
    expect(parseSearchQuery('0044 20', US)).toEqual({ kind: 'phone', prefixes: ['+4420'] });
    expect(parseSearchQuery('020 7946', { defaultRegion: 'GB', allowExtensions: true })).toEqual({
      kind: 'phone',
      prefixes: ['+0207946', '+44207946', '0207946'],
    });
    expect(parseSearchQuery('12', { defaultRegion: null, allowExtensions: true })).toEqual({
      kind: 'phone',
      prefixes: ['+12', '12'],
    });
  });

  it('reads anything else as the start of a name, keeping a space after it', () => {
    expect(parseSearchQuery('  Ada ', US)).toEqual({ kind: 'name', prefix: 'Ada ' });
    expect(parseSearchQuery('R2-D2', US)).toEqual({ kind: 'name', prefix: 'R2-D2' });
    expect(parseSearchQuery('+', US)).toEqual({ kind: 'name', prefix: '+' });
    expect(parseSearchQuery('   ', US)).toBeNull();
  });
});
