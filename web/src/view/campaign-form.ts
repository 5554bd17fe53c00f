import type { CampaignSettings } from '../api/api-types.js';
import { AMD_FIELDS, type AmdFieldName } from './amd-help.js';
import { epochToWallTime, wallTimeToEpoch } from './zoned-time.js';

/** Outcomes a campaign may retry; reached and refused people are never called again. */
export const RETRYABLE_OUTCOMES = [
  'busy',
  'no_answer',
  'congestion',
  'unavailable',
  'interrupted',
  'machine_detected',
  'consent_timeout',
  'abandoned',
  'invalid_number',
  'rejected',
  'handoff_failed',
  'failed',
] as const;

/**
 * The editor's state: text exactly as typed, so that nothing is rounded, trimmed or
 * defaulted behind the operator's back. `toSettings` turns it into the API's body.
 */
export interface CampaignForm {
  name: string;
  timezone: string;
  windowStart: string;
  windowEnd: string;
  days: number[];
  /** `YYYY-MM-DDTHH:MM` in campaign time, or empty for none. */
  startsAt: string;
  endsAt: string;
  maxConcurrent: string;
  minIntervalMs: string;
  ringTimeoutSec: string;
  callerId: string;
  defaultRegion: string;
  allowExtensions: boolean;
  aiKind: 'dialplan' | 'app' | 'aava';
  aiDialplanContext: string;
  aiExtension: string;
  aiPriority: string;
  aiApp: string;
  /** One argument per line. */
  aiArgs: string;
  aavaApp: string;
  aavaAgent: string;
  aavaProvider: string;
  aavaAudioProfile: string;
  /** Empty = the server's default dial string. */
  dialString: string;
  /** PBX names, comma-separated; empty = every PBX. */
  pbxs: string;
  aiContext: string;
  aiProvider: string;
  aiAgent: string;
  consentEnabled: boolean;
  consentRecordingId: string;
  consentTimeoutSec: string;
  voicemailEnabled: boolean;
  voicemailRecordingId: string;
  voicemailGreetingMaxWaitSec: string;
  /** Empty = no opt-out key. */
  optOutDigit: string;
  optOutRecordingId: string;
  safeHarbourRecordingId: string;
  /** Empty = no cap. */
  abandonCapPercent: string;
  /** Days with no calling, as typed; an empty `to` is the `from` day alone. */
  blackoutDates: BlackoutRow[];
  /** Most attempts to one number over 24 hours, 7 days, 30 days; empty = the server's. */
  capPer24h: string;
  capPer7d: string;
  capPer30d: string;
  amd: Record<AmdFieldName, string>;
  notSureAs: 'machine' | 'human';
  maxAttempts: string;
  retry: Record<string, { on: boolean; minutes: string }>;
}

/** One blackout entry in the editor: `YYYY-MM-DD` days (a date input's value) and a name. */
export interface BlackoutRow {
  from: string;
  to: string;
  name: string;
}

/** The campaign settings the API takes, every one of which this form edits. */
export type FormSettings = CampaignSettings;

/** Every key a message can be placed on: the API's paths without `body.`. */
export const FORM_KEYS: ReadonlySet<string> = new Set([
  'name',
  'timezone',
  'window',
  'window.start',
  'window.end',
  'window.days',
  'startsAt',
  'endsAt',
  'maxConcurrent',
  'minIntervalMs',
  'ringTimeoutSec',
  'callerId',
  'defaultRegion',
  'allowExtensions',
  'aiTarget',
  'aiTarget.context',
  'aiTarget.extension',
  'aiTarget.priority',
  'aiTarget.app',
  'aiTarget.args',
  'aiTarget.agent',
  'aiTarget.provider',
  'aiTarget.audioProfile',
  'dialString',
  'pbxs',
  'aiContext',
  'aiProvider',
  'aiAgent',
  'consent',
  'consent.recordingId',
  'consent.timeoutSec',
  'voicemail',
  'voicemail.recordingId',
  'voicemail.greetingMaxWaitSec',
  'amd',
  'amd.notSureAs',
  ...AMD_FIELDS.map((f) => `amd.${f.name}`),
  'retry',
  'retry.maxAttempts',
  'retry.retryAfterMinutes',
  ...RETRYABLE_OUTCOMES.map((o) => `retry.retryAfterMinutes.${o}`),
  'optOutDigit',
  'optOutRecordingId',
  'safeHarbourRecordingId',
  'abandonCapPercent',
  'blackoutDates',
  'frequencyCaps',
  'frequencyCaps.per24h',
  'frequencyCaps.per7d',
  'frequencyCaps.per30d',
]);

/**
 * FORM_KEYS and the keys of each blackout row shown (`blackoutDates.2.to`), so that an
 * issue about one entry lands at its input rather than on the list as a whole.
 */
export function formKeys(blackoutRows: number): ReadonlySet<string> {
  const keys = new Set(FORM_KEYS);
  for (let i = 0; i < blackoutRows; i++) {
    for (const part of ['', '.from', '.to', '.name']) keys.add(`blackoutDates.${i}${part}`);
  }
  return keys;
}

/**
 * `list` followed by the entries of `extra` it does not hold yet (the same first and
 * last day), e.g. a holiday preset added to days already typed; also says how many.
 */
export function appendBlackouts(
  list: readonly BlackoutRow[],
  extra: readonly { from: string; to: string; name: string | null }[],
): { rows: BlackoutRow[]; added: number } {
  const key = (row: { from: string; to: string }) => `${row.from}..${row.to || row.from}`;
  const present = new Set(list.map(key));
  const rows = [...list];
  for (const entry of extra) {
    if (present.has(key(entry))) continue;
    present.add(key(entry));
    rows.push({ from: entry.from, to: entry.to, name: entry.name ?? '' });
  }
  return { rows, added: rows.length - list.length };
}

const str = (n: number) => String(n);

/** The form for existing settings (a campaign being edited, or the defaults for a new one). */
export function formFromSettings(s: FormSettings): CampaignForm {
  const target = s.aiTarget;
  return {
    name: s.name,
    timezone: s.timezone,
    windowStart: s.window.start,
    windowEnd: s.window.end,
    days: [...s.window.days],
    startsAt: s.startsAt === null ? '' : epochToWallTime(s.startsAt, s.timezone),
    endsAt: s.endsAt === null ? '' : epochToWallTime(s.endsAt, s.timezone),
    maxConcurrent: str(s.maxConcurrent),
    minIntervalMs: str(s.minIntervalMs),
    ringTimeoutSec: str(s.ringTimeoutSec),
    callerId: s.callerId ?? '',
    defaultRegion: s.defaultRegion,
    allowExtensions: s.allowExtensions,
    aiKind: target.kind,
    aiDialplanContext: target.kind === 'dialplan' ? target.context : '',
    aiExtension: target.kind === 'dialplan' ? target.extension : '',
    aiPriority: target.kind === 'dialplan' ? str(target.priority) : '1',
    aiApp: target.kind === 'app' ? target.app : '',
    aiArgs: target.kind === 'app' ? target.args.join('\n') : '',
    aavaApp: target.kind === 'aava' ? target.app : 'asterisk-ai-voice-agent',
    aavaAgent: target.kind === 'aava' ? target.agent : '',
    aavaProvider: target.kind === 'aava' ? (target.provider ?? '') : '',
    aavaAudioProfile: target.kind === 'aava' ? (target.audioProfile ?? '') : '',
    dialString: s.dialString ?? '',
    pbxs: (s.pbxs ?? []).join(', '),
    aiContext: s.aiContext ?? '',
    aiProvider: s.aiProvider ?? '',
    aiAgent: s.aiAgent ?? '',
    consentEnabled: s.consent.enabled,
    consentRecordingId: s.consent.recordingId ?? '',
    consentTimeoutSec: str(s.consent.timeoutSec),
    voicemailEnabled: s.voicemail.enabled,
    voicemailRecordingId: s.voicemail.recordingId ?? '',
    voicemailGreetingMaxWaitSec: str(s.voicemail.greetingMaxWaitSec),
    optOutDigit: s.optOutDigit ?? '',
    optOutRecordingId: s.optOutRecordingId ?? '',
    safeHarbourRecordingId: s.safeHarbourRecordingId ?? '',
    abandonCapPercent: s.abandonCapPercent === null ? '' : str(s.abandonCapPercent),
    blackoutDates: s.blackoutDates.map((entry) => ({
      from: entry.from,
      to: entry.to,
      name: entry.name ?? '',
    })),
    capPer24h: s.frequencyCaps.per24h === null ? '' : str(s.frequencyCaps.per24h),
    capPer7d: s.frequencyCaps.per7d === null ? '' : str(s.frequencyCaps.per7d),
    capPer30d: s.frequencyCaps.per30d === null ? '' : str(s.frequencyCaps.per30d),
    amd: Object.fromEntries(AMD_FIELDS.map((f) => [f.name, str(s.amd[f.name])])) as Record<
      AmdFieldName,
      string
    >,
    notSureAs: s.amd.notSureAs,
    maxAttempts: str(s.retry.maxAttempts),
    retry: Object.fromEntries(
      RETRYABLE_OUTCOMES.map((o) => {
        const minutes = s.retry.retryAfterMinutes[o];
        return [
          o,
          { on: minutes !== undefined, minutes: minutes === undefined ? '' : str(minutes) },
        ];
      }),
    ),
  };
}

const NUMBER = /^-?\d+(\.\d+)?$/;

/**
 * The API body for the form, or the problems that keep it from being one (text where a
 * number goes, a date that is not a date), keyed like the API's own issues. Numbers are
 * sent as typed: ranges and whole-number rules are the API's to check and report.
 */
export function toSettings(
  form: CampaignForm,
):
  | { ok: true; settings: FormSettings }
  | { ok: false; issues: { path: string; message: string }[] } {
  const issues: { path: string; message: string }[] = [];
  const num = (key: string, text: string): number => {
    if (text === '') issues.push({ path: key, message: 'required' });
    else if (!NUMBER.test(text)) issues.push({ path: key, message: `“${text}” is not a number` });
    return Number(text);
  };
  const instant = (key: string, text: string): number | null => {
    if (text === '') return null;
    const at = wallTimeToEpoch(text, form.timezone);
    if (at === null) {
      issues.push({ path: key, message: `“${text}” is not a date and time in ${form.timezone}` });
    }
    return at;
  };
  const orNull = (text: string) => (text === '' ? null : text);
  const optionalNum = (key: string, text: string) =>
    text.trim() === '' ? null : num(key, text.trim());

  const retryAfterMinutes: Record<string, number> = {};
  for (const outcome of RETRYABLE_OUTCOMES) {
    const entry = form.retry[outcome];
    if (entry?.on) {
      retryAfterMinutes[outcome] = num(`retry.retryAfterMinutes.${outcome}`, entry.minutes);
    }
  }
  const settings: FormSettings = {
    name: form.name,
    timezone: form.timezone,
    window: {
      start: form.windowStart,
      end: form.windowEnd,
      days: [...form.days].sort((a, b) => a - b),
    },
    startsAt: instant('startsAt', form.startsAt),
    endsAt: instant('endsAt', form.endsAt),
    maxConcurrent: num('maxConcurrent', form.maxConcurrent),
    minIntervalMs: num('minIntervalMs', form.minIntervalMs),
    ringTimeoutSec: num('ringTimeoutSec', form.ringTimeoutSec),
    callerId: orNull(form.callerId),
    defaultRegion: form.defaultRegion,
    allowExtensions: form.allowExtensions,
    aiTarget: aiTargetOf(form, num),
    dialString: orNull(form.dialString),
    pbxs: pbxNamesOf(form.pbxs),
    aiContext: orNull(form.aiContext),
    aiProvider: orNull(form.aiProvider),
    aiAgent: orNull(form.aiAgent),
    consent: {
      enabled: form.consentEnabled,
      recordingId: orNull(form.consentRecordingId),
      timeoutSec: num('consent.timeoutSec', form.consentTimeoutSec),
    },
    voicemail: {
      enabled: form.voicemailEnabled,
      recordingId: orNull(form.voicemailRecordingId),
      greetingMaxWaitSec: num('voicemail.greetingMaxWaitSec', form.voicemailGreetingMaxWaitSec),
    },
    amd: {
      ...(Object.fromEntries(
        AMD_FIELDS.map((f) => [f.name, num(`amd.${f.name}`, form.amd[f.name])]),
      ) as Record<AmdFieldName, number>),
      notSureAs: form.notSureAs,
    },
    retry: { maxAttempts: num('retry.maxAttempts', form.maxAttempts), retryAfterMinutes },
    optOutDigit: orNull(form.optOutDigit.trim()),
    optOutRecordingId: orNull(form.optOutRecordingId),
    safeHarbourRecordingId: orNull(form.safeHarbourRecordingId),
    abandonCapPercent: optionalNum('abandonCapPercent', form.abandonCapPercent),
    blackoutDates: form.blackoutDates.map((row, index) => {
      // A date input gives a YYYY-MM-DD day or nothing; real dates and the order of a
      // range are the API's to check (it names the entry).
      if (row.from === '')
        issues.push({ path: `blackoutDates.${index}.from`, message: 'required' });
      return {
        from: row.from,
        to: row.to === '' ? row.from : row.to,
        name: row.name.trim() === '' ? null : row.name,
      };
    }),
    frequencyCaps: {
      per24h: optionalNum('frequencyCaps.per24h', form.capPer24h),
      per7d: optionalNum('frequencyCaps.per7d', form.capPer7d),
      per30d: optionalNum('frequencyCaps.per30d', form.capPer30d),
    },
  };
  return issues.length === 0 ? { ok: true, settings } : { ok: false, issues };
}

/** The AI target the form describes; `num` records a priority that is not a number. */
function aiTargetOf(
  form: CampaignForm,
  num: (key: string, text: string) => number,
): FormSettings['aiTarget'] {
  switch (form.aiKind) {
    case 'dialplan':
      return {
        kind: 'dialplan',
        context: form.aiDialplanContext,
        extension: form.aiExtension,
        priority: num('aiTarget.priority', form.aiPriority),
      };
    case 'app':
      return {
        kind: 'app',
        app: form.aiApp,
        args: form.aiArgs === '' ? [] : form.aiArgs.split('\n'),
      };
    case 'aava':
      return {
        kind: 'aava',
        app: form.aavaApp,
        agent: form.aavaAgent,
        provider: form.aavaProvider === '' ? null : form.aavaProvider,
        audioProfile: form.aavaAudioProfile === '' ? null : form.aavaAudioProfile,
      };
  }
}

/** The PBX names of the form's comma-separated list; null (every PBX) when it is empty. */
function pbxNamesOf(text: string): string[] | null {
  const names = text
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  return names.length === 0 ? null : names;
}
