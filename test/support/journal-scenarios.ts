/**
 * The calls recorded as journal fixtures (test/fixtures/journals) by
 * record-journal-fixture.ts, in the flows of the current machine version. Fixtures of
 * older versions are kept as they were recorded and are not regenerated from here.
 */
import { ev } from './attempt-events.js';
import { clock, input, type JournalScenario, type ScenarioTimer } from './journal-scenario-kit.js';
import { complianceScenarios } from './journal-scenarios-compliance.js';
import { faultScenarios } from './journal-scenarios-faults.js';
import { confirmedHandOffScenarios, consentScenarios } from './journal-scenarios-handoff.js';
import { failedHandOffScenarios } from './journal-scenarios-handoff-failed.js';
import { machineScenarios } from './journal-scenarios-machine.js';

export type { JournalScenario, ScenarioTimer };

function unansweredScenarios(): JournalScenario[] {
  const busy = clock(11, 0);
  const noAnswer = clock(11, 5);
  const ringTimeout = clock(11, 10);
  const congestion = clock(11, 15);
  const unavailable = clock(11, 20);
  const invalid = clock(11, 25);
  const rejected = clock(11, 30);
  const badDialContext = clock(11, 35);
  const refused = clock(11, 40);
  return [
    {
      scenario: 'busy',
      description:
        'The far end is busy: Dial BUSY and the ;2 cause 17 within 2 ms, while our ;1 half reports cause 0.',
      input: input('att-3001'),
      events: [
        ev.started(busy(0)),
        ev.dialStatus('BUSY', busy(2)),
        ev.originateAccepted(busy(2)),
        ev.farEndHungUp(17, busy(2)),
        ev.hungUp(0, busy(3), 'Unknown'),
      ],
      outcome: 'busy',
    },
    {
      scenario: 'no-answer',
      description:
        "The far end rings until ARI's 30 s originate timeout ends the call with cause 19.",
      input: input('att-3002'),
      events: [
        ev.started(noAnswer(0)),
        ev.originateAccepted(noAnswer(3)),
        ev.dialStatus('RINGING', noAnswer(5)),
        ev.ringing(noAnswer(6)),
        ev.hungUp(19, noAnswer(30_031), 'User alerting, no answer'),
      ],
      outcome: 'no_answer',
    },
    {
      scenario: 'no-answer-ring-timeout',
      description:
        "The end of the ringing never reaches us: the dialer's own ring timer hangs up 5 s after ARI's timeout.",
      input: input('att-3003'),
      events: [
        ev.started(ringTimeout(0)),
        ev.originateAccepted(ringTimeout(3)),
        ev.dialStatus('RINGING', ringTimeout(5)),
        ev.ringing(ringTimeout(6)),
        { timer: 'ringTimeout', at: ringTimeout(35_001) },
        ev.dialStatus('NOANSWER', ringTimeout(35_004)),
        ev.hungUp(16, ringTimeout(35_005), 'Normal Clearing'),
      ],
      outcome: 'no_answer',
    },
    {
      scenario: 'congestion',
      description: 'The network is congested: Dial CONGESTION and ;2 cause 34, our half cause 0.',
      input: input('att-3004'),
      events: [
        ev.started(congestion(0)),
        ev.originateAccepted(congestion(3)),
        ev.dialStatus('CONGESTION', congestion(182)),
        ev.farEndHungUp(34, congestion(183)),
        ev.hungUp(0, congestion(183), 'Unknown'),
      ],
      outcome: 'congestion',
    },
    {
      scenario: 'unavailable',
      description: 'The far end cannot be reached: Dial CHANUNAVAIL, our half cause 0.',
      input: input('att-3005'),
      events: [
        ev.started(unavailable(0)),
        ev.originateAccepted(unavailable(3)),
        ev.dialStatus('CHANUNAVAIL', unavailable(41)),
        ev.hungUp(0, unavailable(42), 'Unknown'),
      ],
      outcome: 'unavailable',
    },
    {
      scenario: 'invalid-number',
      description: 'The number is unallocated: no Dial verdict, ;2 ends with Q.850 cause 1.',
      input: input('att-3006', { number: '+15550000000' }),
      events: [
        ev.started(invalid(0)),
        ev.originateAccepted(invalid(3)),
        ev.farEndHungUp(1, invalid(318)),
        ev.hungUp(0, invalid(319), 'Unknown'),
      ],
      outcome: 'invalid_number',
    },
    {
      scenario: 'rejected',
      description: 'The callee rejects the ringing call: ;2 ends with Q.850 cause 21.',
      input: input('att-3007'),
      events: [
        ev.started(rejected(0)),
        ev.originateAccepted(rejected(3)),
        ev.dialStatus('RINGING', rejected(5)),
        ev.ringing(rejected(6)),
        ev.farEndHungUp(21, rejected(4_206)),
        ev.hungUp(0, rejected(4_207), 'Unknown'),
      ],
      outcome: 'rejected',
    },
    {
      scenario: 'originate-bad-context',
      description:
        'The dial context does not exist: the originate is accepted, then both halves die with cause 0 and no Dial event; with no connection loss within 3 s that is a setup fault.',
      input: input('att-3008'),
      events: [
        ev.started(badDialContext(0)),
        ev.originateAccepted(badDialContext(2)),
        ev.farEndHungUp(0, badDialContext(3)),
        ev.hungUp(0, badDialContext(3), 'Unknown'),
        { timer: 'pbxLossGrace', at: badDialContext(3_003) },
      ],
      outcome: 'failed',
    },
    {
      scenario: 'originate-refused',
      description:
        'ARI refuses the originate because a channel with the same id exists (409): nothing to hang up.',
      input: input('att-3009'),
      events: [
        ev.started(refused(0)),
        ev.commandFailed(
          'originate',
          409,
          'Channel with given unique ID already exists',
          refused(4),
        ),
      ],
      outcome: 'failed',
    },
  ];
}

function operatorScenarios(): JournalScenario[] {
  const canceled = clock(12, 0);
  return [
    {
      scenario: 'canceled-during-ring',
      description:
        'The operator cancels 2 s into the ringing: the dialer hangs up, and the NOANSWER Dial status that follows stays a cancel.',
      input: input('att-4001'),
      events: [
        ev.started(canceled(0)),
        ev.originateAccepted(canceled(3)),
        ev.dialStatus('RINGING', canceled(5)),
        ev.ringing(canceled(6)),
        ev.operatorCanceled(canceled(2_000)),
        ev.dialStatus('NOANSWER', canceled(2_003)),
        ev.hungUp(16, canceled(2_004), 'Normal Clearing'),
      ],
      outcome: 'canceled',
    },
  ];
}

/** Every recorded scenario; at least one per outcome. */
export const JOURNAL_SCENARIOS: readonly JournalScenario[] = [
  ...consentScenarios(),
  ...confirmedHandOffScenarios(),
  ...failedHandOffScenarios(),
  ...machineScenarios(),
  ...unansweredScenarios(),
  ...operatorScenarios(),
  ...faultScenarios(),
  ...complianceScenarios(),
];
