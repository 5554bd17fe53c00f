/** Words for the attempt machine's top-level states, as an operator says them. */
const STATE_LABELS: Record<string, string> = {
  idle: 'waiting to dial',
  dialing: 'dialing',
  'dialing.originating': 'originating',
  'dialing.ringing': 'ringing',
  screening: 'in AMD',
  routingHuman: 'human detected',
  routingMachine: 'machine detected',
  askingConsent: 'asking consent',
  handingOff: 'handing off',
  'handingOff.requested': 'handing off',
  'handingOff.entering': 'entering the AI target',
  'handingOff.settling': 'confirming the hand-off',
  releasing: 'hand-off failed, releasing',
  talking: 'talking',
  ending: 'ending (checking the PBX)',
  waitingForGreetingEnd: 'waiting for the beep',
  leavingVoicemail: 'leaving voicemail',
  hangingUp: 'hanging up',
  done: 'done',
};

/** A machine state (`askingConsent.listening`) in plain words. */
export function stateLabel(state: string): string {
  const exact = STATE_LABELS[state];
  if (exact !== undefined) return exact;
  const [top, ...rest] = state.split('.');
  const base = STATE_LABELS[top ?? ''] ?? top ?? state;
  return rest.length === 0 ? base : `${base} (${rest.join(' › ')})`;
}

const OUTCOME_LABELS: Record<string, string> = {
  answered_human: 'human, handed off',
  voicemail_dropped: 'voicemail left',
  machine_detected: 'machine',
  consent_denied: 'consent denied',
  opted_out: 'opted out',
  consent_timeout: 'no consent answer',
  abandoned: 'abandoned',
  busy: 'busy',
  no_answer: 'no answer',
  congestion: 'congestion',
  unavailable: 'unavailable',
  invalid_number: 'invalid number',
  rejected: 'rejected',
  handoff_failed: 'hand-off failed',
  failed: 'failed',
  interrupted: 'interrupted',
  canceled: 'canceled',
  unknown: 'unknown',
};

/** An attempt outcome (`no_answer`) in plain words. */
export function outcomeLabel(outcome: string | null | undefined): string {
  if (outcome === null || outcome === undefined) return '—';
  return OUTCOME_LABELS[outcome] ?? outcome.replaceAll('_', ' ');
}

/**
 * The live counters of a campaign: groups of top-level states (the stats' `live` keys)
 * an operator watches, in call order.
 */
export const LIVE_GROUPS: readonly { label: string; states: readonly string[] }[] = [
  { label: 'ringing', states: ['idle', 'dialing'] },
  { label: 'in AMD', states: ['screening', 'routingHuman', 'routingMachine'] },
  { label: 'asking consent', states: ['askingConsent'] },
  { label: 'talking', states: ['handingOff', 'talking'] },
  { label: 'voicemail', states: ['waitingForGreetingEnd', 'leavingVoicemail'] },
  { label: 'hanging up', states: ['hangingUp'] },
];

/** Sums a stats `live` record into the groups above. */
export function liveByGroup(live: Record<string, number>): { label: string; count: number }[] {
  return LIVE_GROUPS.map((group) => ({
    label: group.label,
    count: group.states.reduce((sum, state) => sum + (live[state] ?? 0), 0),
  }));
}

const STATUS_LABELS: Record<string, string> = {
  draft: 'draft',
  running: 'running',
  paused: 'paused',
  stopped: 'stopped',
  completed: 'completed',
  archived: 'archived',
};

/** A campaign status for its badge. */
export function campaignStatusLabel(status: string): string {
  return STATUS_LABELS[status] ?? status;
}

const ENDED_BY_LABELS: Record<string, string> = {
  caller: 'the caller hung up',
  agent: 'the AI agent ended the call',
  transfer: 'the AI agent transferred the call',
};

/** Who ended a call the AI target had, in words. */
export function endedByLabel(endedBy: string): string {
  return ENDED_BY_LABELS[endedBy] ?? endedBy;
}
