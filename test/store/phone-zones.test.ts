import { timezones } from 'libphonenumber-geo-carrier';
import parsePhoneNumber from 'libphonenumber-js';
import { describe, expect, it } from 'vitest';
import { phoneTimezones, phoneZonesColumn, zonesOfColumn } from '../../src/store/phone-zones.js';

describe('the time zones of a number', () => {
  it.each([
    ['+12125550100', ['America/New_York']],
    ['+14155550100', ['America/Los_Angeles']],
    // Area codes across a zone line: every zone of the code.
    ['+19075550100', ['America/Adak', 'America/Anchorage']],
    ['+17015550100', ['America/Denver', 'America/North_Dakota/Center']],
    ['+33142685300', ['Europe/Paris']],
    ['+61291234567', ['Australia/Sydney']],
  ])('maps %s to %j', (phone, zones) => {
    expect(phoneTimezones(phone)).toEqual(zones);
  });

  it('places no NANP number by the shared +1 alone, nor an extension', () => {
    // Toll-free and the fictional 555 range: the mapping has only every NANP zone for them.
    expect(phoneTimezones('+18005550100')).toEqual([]);
    expect(phoneTimezones('+15550200001')).toEqual([]);
    expect(phoneTimezones('2001')).toEqual([]);
    expect(phoneZonesColumn('2001')).toBeNull();
  });

  it('matches prefixes on the digits right after the + only', () => {
    // Read as numbers, ' 1415' or '0415' would otherwise stand for a prefix.
    expect(phoneTimezones('+ 14155550100')).toEqual([]);
    expect(phoneTimezones('+04155550100')).toEqual([]);
    expect(phoneTimezones('+4155550100')).toEqual(phoneTimezones('+4155550100x'));
    // A prefix is whole digits: '+1415 555' is placed by +1415's zones, as before.
    expect(phoneTimezones('+1415 5550100')).toEqual(['America/Los_Angeles']);
    expect(phoneTimezones('+1 4155550100')).toEqual([]);
  });

  it('stores zones as one column and reads them back', () => {
    const column = phoneZonesColumn('+19075550100');
    expect(column).toBe('America/Adak America/Anchorage');
    expect(zonesOfColumn(column)).toEqual(['America/Adak', 'America/Anchorage']);
    expect(zonesOfColumn(null)).toEqual([]);
  });

  it("agrees with the package's own timezones() wherever it places a number", async () => {
    const numbers = [
      '+12125550100',
      '+13035550100',
      '+19075550100',
      '+17015550100',
      '+16055550100',
      '+18085550100',
      '+447700900123',
      '+442079460000',
      '+4930123456',
      '+61412345678',
      '+79161234567',
      '+74232123456',
      '+525512345678',
      '+5511912345678',
      '+819012345678',
    ];
    for (const number of numbers) {
      const parsed = parsePhoneNumber(number);
      const theirs = ((await timezones(parsed)) ?? []).filter((zone) => zone !== 'Etc/Unknown');
      const ours = phoneTimezones(number);
      // Ours leaves out only what a shared calling code alone would give.
      if (ours.length > 0 || !['1', '7'].includes(parsed?.countryCallingCode ?? '')) {
        expect(ours, number).toEqual([...theirs].sort());
      }
    }
  });
});
