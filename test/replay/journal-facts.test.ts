import { describe, expect, it } from 'vitest';
import { PBX_LOST_ERROR } from '../../src/machines/attempt.js';
import { replayAttempt } from '../../src/machines/attempt-replay.js';
import type { AttemptFacts } from '../../src/machines/attempt-types.js';
import { loadJournalFixture } from '../support/journal-fixtures.js';

/** The event time of the fixture's first event of this type. */
function atOf(file: string, type: string, nth = 0): number {
  const events = loadJournalFixture(file)
    .entries.map((entry) => entry.event)
    .filter((event) => event.type === type);
  const event = events[nth];
  if (!event) throw new Error(`${file} has no ${type} #${nth}`);
  return event.at;
}

// What the version 2 fixtures end with beyond their outcome: who ended a confirmed
// call, when the hand-off counted, and the reason stored for everything else.
const FINAL_FACTS: Array<[string, Partial<AttemptFacts>]> = [
  [
    'consent-accept-dialplan.v2.json',
    {
      outcome: 'answered_human',
      handedOffAt: atOf('consent-accept-dialplan.v2.json', 'channel.leftStasis', 1),
      handOffConfirmedAt: atOf('consent-accept-dialplan.v2.json', 'timer.fired'),
      endedBy: 'agent',
      transferredTo: null,
      error: null,
    },
  ],
  ['consent-accept-during-prompt.v2.json', { outcome: 'answered_human', endedBy: 'caller' }],
  ['human-app-handoff.v2.json', { outcome: 'answered_human', endedBy: 'agent', hangupCause: 16 }],
  ['aava-handoff.v2.json', { outcome: 'answered_human', endedBy: 'agent' }],
  [
    'transfer-onward.v2.json',
    { outcome: 'answered_human', endedBy: 'transfer', transferredTo: 'sales-queue' },
  ],
  [
    'handoff-missing-context.v2.json',
    {
      outcome: 'handoff_failed',
      hangupCause: 0,
      handOffConfirmedAt: null,
      pbxLostAt: null,
      error:
        'the call ended as it entered ai-handoff,s,1 (cause 0): check that the target exists in the dialplan',
    },
  ],
  [
    'handoff-stasis-failed.v2.json',
    {
      outcome: 'handoff_failed',
      hangupCause: 16,
      error:
        'AAVA (app "asterisk-ai-voice-agent" via context "dialstate-aava-handoff"): the Stasis app the target runs is not connected (STASISSTATUS=FAILED)',
    },
  ],
  [
    'hangup-during-settle.v2.json',
    {
      outcome: 'handoff_failed',
      error:
        'the caller hung up 0.8 s after the hand-off to ai-handoff,s,1, before the target was confirmed (cause 16)',
    },
  ],
  [
    'app-move-failed.v2.json',
    {
      outcome: 'handoff_failed',
      handedOffAt: null,
      error: 'ARI could not move the call to app "ai-agent": is the app connected?',
    },
  ],
  [
    'hand-off-refused.v2.json',
    {
      outcome: 'handoff_failed',
      error: 'handOff failed (HTTP 422): Provided application is not registered',
    },
  ],
  [
    'pbx-restart-during-amd.v2.json',
    {
      outcome: 'interrupted',
      error: PBX_LOST_ERROR,
      pbxLostAt: atOf('pbx-restart-during-amd.v2.json', 'pbx.lost'),
    },
  ],
  ['pbx-restart-during-consent.v2.json', { outcome: 'interrupted', error: PBX_LOST_ERROR }],
  [
    'originate-503.v2.json',
    {
      outcome: 'interrupted',
      error: 'the PBX could not take the request: originate failed (HTTP 503): Service Unavailable',
    },
  ],
  [
    'continue-bad-context.v2.json',
    {
      outcome: 'failed',
      error:
        'channel destroyed in the AMD dialplan hop (cause 0): check that the AMD context exists',
    },
  ],
  ['originate-bad-context.v2.json', { outcome: 'failed', pbxLostAt: null }],
];

describe('facts the version 2 fixtures end with', () => {
  it.each(FINAL_FACTS)('%s', (file, facts) => {
    const { snapshot } = replayAttempt(loadJournalFixture(file));

    expect(snapshot.context).toMatchObject(facts);
  });

  it('hangs up on a failed hand-off the dialer still holds, but waits for the end of one the dialplan holds', () => {
    const commandsOf = (file: string) =>
      loadJournalFixture(file).entries.flatMap((entry) => entry.commands.map((c) => c.type));

    expect(commandsOf('app-move-failed.v2.json').at(-1)).toBe('hangUp');
    expect(commandsOf('handoff-stasis-failed.v2.json')).not.toContain('hangUp');
    expect(commandsOf('handoff-missing-context.v2.json')).not.toContain('hangUp');
  });

  it('dials the endpoint of the input and hands AAVA exactly the variables of the input', () => {
    const fixture = loadJournalFixture('aava-handoff.v2.json');
    const commands = fixture.entries.flatMap((entry) => entry.commands);

    expect(commands[0]).toMatchObject({
      type: 'originate',
      params: { endpoint: 'PJSIP/15551230042@trunk-out' },
    });
    expect(commands.find((command) => command.type === 'handOff')?.params).toEqual({
      channelId: fixture.input.channelId,
      target: fixture.input.aiTarget,
      variables: fixture.input.handOffVariables,
    });
  });
});
