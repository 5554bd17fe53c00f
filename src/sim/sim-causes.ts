/** Q.850 hangup causes the simulator produces, with Asterisk's `cause_txt` for each. */
export const CAUSE = {
  unknown: 0,
  unallocated: 1,
  normalClearing: 16,
  userBusy: 17,
  noUserResponse: 18,
  noAnswer: 19,
  callRejected: 21,
  answeredElsewhere: 26,
  invalidNumberFormat: 28,
  normalUnspecified: 31,
  congestion: 34,
  failure: 38,
  bearerCapabilityNotAvail: 58,
  interworking: 127,
} as const;

// Texts as Asterisk's ast_cause2str() spells them (fact 8 shows 0, 16, 17 and 19).
const CAUSE_TEXT: ReadonlyMap<number, string> = new Map([
  [0, 'Unknown'],
  [1, 'Unallocated (unassigned) number'],
  [3, 'No route to destination'],
  [16, 'Normal Clearing'],
  [17, 'User busy'],
  [18, 'No user responding'],
  [19, 'User alerting, no answer'],
  [20, 'Subscriber absent'],
  [21, 'Call Rejected'],
  [26, 'Answered elsewhere'],
  [27, 'Destination out of order'],
  [28, 'Invalid number format'],
  [31, 'Normal, unspecified'],
  [34, 'Circuit/channel congestion'],
  [38, 'Network out of order'],
  [41, 'Temporary failure'],
  [42, 'Switching equipment congestion'],
  [58, 'Bearer capability not available'],
  [127, 'Interworking, unspecified'],
]);

/** The `cause_txt` Asterisk reports for a cause code. */
export function causeText(cause: number): string {
  return CAUSE_TEXT.get(cause) ?? 'Unknown';
}

// ARI's `reason` values for DELETE /channels/{id} and the causes Asterisk maps them to.
const HANGUP_REASONS: ReadonlyMap<string, number> = new Map([
  ['normal', CAUSE.normalClearing],
  ['busy', CAUSE.userBusy],
  ['congestion', CAUSE.congestion],
  ['no_answer', CAUSE.noAnswer],
  ['timeout', CAUSE.noUserResponse],
  ['rejected', CAUSE.callRejected],
  ['unallocated', CAUSE.unallocated],
  ['normal_unspecified', CAUSE.normalUnspecified],
  ['number_incomplete', CAUSE.invalidNumberFormat],
  ['codec_mismatch', CAUSE.bearerCapabilityNotAvail],
  ['interworking', CAUSE.interworking],
  ['failure', CAUSE.failure],
  ['answered_elsewhere', CAUSE.answeredElsewhere],
]);

/**
 * The cause a hang-up request asks for: `reason_code` (a number) or `reason` (a name),
 * normal clearing when neither is given, or null when the value is not one ARI accepts.
 */
export function hangupCause(
  reasonCode: string | undefined,
  reason: string | undefined,
): number | null {
  if (reasonCode !== undefined && reasonCode !== '') {
    const code = Number(reasonCode);
    return Number.isInteger(code) && code >= 0 && code <= 127 ? code : null;
  }
  if (reason !== undefined && reason !== '') return HANGUP_REASONS.get(reason) ?? null;
  return CAUSE.normalClearing;
}
