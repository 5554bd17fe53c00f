import { describe, expect, it } from 'vitest';
import { SimChannel } from '../../src/sim/sim-channel.js';

describe('SimChannel.snapshotJson', () => {
  it('is the snapshot as JSON after every kind of change, though it is kept between them', () => {
    const channel = new SimChannel({
      id: 'dialstate-a1',
      name: 'Local/+15550000001@from-internal-00000001;1',
      createdAt: Date.UTC(2026, 10, 24, 6, 16, 58, 636),
      state: 'Down',
      dialplan: { context: 'from-internal', exten: 's', priority: 1, app_name: '', app_data: '' },
    });
    const same = () => expect(JSON.parse(channel.snapshotJson())).toEqual(channel.snapshot());
    same();
    expect(channel.snapshotJson()).toBe(channel.snapshotJson());
    channel.state = 'Ringing';
    same();
    channel.identify({ caller: { name: 'Dialer', number: '6789' } });
    same();
    channel.identify({ connected: { name: 'Callee', number: '+15550000001' } });
    same();
    channel.step('aava-outbound-amd', 's', 3, 'AMD', '');
    same();
    // Variables are not in the snapshot (no channelvars configured, fact 21).
    channel.setVariable('AMDSTATUS', 'HUMAN');
    same();
    expect(JSON.parse(channel.snapshotJson())).toMatchObject({
      state: 'Ringing',
      caller: { name: 'Dialer', number: '6789' },
      connected: { name: 'Callee', number: '+15550000001' },
      dialplan: { context: 'aava-outbound-amd', priority: 3, app_name: 'AMD' },
      creationtime: '2026-11-24T06:16:58.636+0000',
    });
  });
});
