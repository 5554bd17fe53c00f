import { describe, expect, it } from 'vitest';
import { describeCallingZones, leadDisplayZone } from '../../web/src/view/calling-zones.js';

describe("a lead's calling zones in words", () => {
  it("names the lead's own, the number's, or the campaign's zone", () => {
    expect(
      describeCallingZones({ timezone: 'Europe/Paris', phoneZones: ['America/Denver'] }, 'UTC'),
    ).toBe("Europe/Paris (the lead's own)");
    expect(describeCallingZones({ timezone: null, phoneZones: ['America/Denver'] }, 'UTC')).toBe(
      'America/Denver (from the number)',
    );
    expect(
      describeCallingZones(
        { timezone: null, phoneZones: ['America/Adak', 'America/Anchorage'] },
        'UTC',
      ),
    ).toBe(
      'America/Adak, America/Anchorage (from the number: called only while the window is open in all)',
    );
    expect(describeCallingZones({ timezone: null, phoneZones: [] }, 'America/New_York')).toBe(
      "America/New_York (the campaign's: the number gives none)",
    );
  });

  it("shows the lead's times in its own zone, else its number's first, else the campaign's", () => {
    expect(leadDisplayZone({ timezone: null, phoneZones: ['America/Denver'] }, 'UTC')).toBe(
      'America/Denver',
    );
    expect(leadDisplayZone({ timezone: null, phoneZones: [] }, 'UTC')).toBe('UTC');
  });
});
