import type { Clock } from '../calls/ports.js';
import { checkAmdParameters } from '../campaign/amd-parameters.js';
import { validateBlackoutDates } from '../campaign/blackout-dates.js';
import { validateCallingWindow } from '../campaign/calling-window.js';
import type { Campaign, CampaignSettings } from '../campaign/campaign.js';
import { CAMPAIGN_DEFAULTS } from '../campaign/campaign-defaults.js';
import type { CampaignRepository } from './campaign-reads.js';

/** What editing campaigns reads and writes; the store provides it. */
export interface CampaignEditingStore
  extends Pick<CampaignRepository, 'get' | 'insert' | 'update'> {
  recordingExists(id: string): Promise<boolean>;
}

/** One problem of the settings, at the field it is about (`window`, `consent.recordingId`). */
export interface SettingsIssue {
  field: string;
  message: string;
}

export type CampaignEditResult =
  | { ok: true; campaign: Campaign }
  | { ok: false; reason: 'notFound' }
  /** Every problem of the settings at once; nothing was written. */
  | { ok: false; reason: 'invalid'; issues: SettingsIssue[] }
  | { ok: false; reason: 'archived'; message: string };

/** A new campaign's settings: its name and time zone, and any other setting to override. */
export type NewCampaignSettings = Partial<CampaignSettings> &
  Pick<CampaignSettings, 'name' | 'timezone'>;

/** Creating, changing and cloning campaigns: the operator's writes to their settings. */
export interface CampaignEditing {
  /** A new draft with the defaults for what `given` leaves out (all but its name and zone). */
  create(given: NewCampaignSettings): Promise<CampaignEditResult>;
  /** Changes the settings `patch` names and keeps the rest; an archived campaign is frozen. */
  update(id: string, patch: Partial<CampaignSettings>): Promise<CampaignEditResult>;
  /** A new draft with the campaign's settings and none of its leads. */
  clone(id: string): Promise<CampaignEditResult>;
}

/** The references a campaign's settings hold, by field. */
const RECORDING_REFERENCES = [
  ['consent.recordingId', (s: Partial<CampaignSettings>) => s.consent?.recordingId],
  ['voicemail.recordingId', (s: Partial<CampaignSettings>) => s.voicemail?.recordingId],
  ['optOutRecordingId', (s: Partial<CampaignSettings>) => s.optOutRecordingId],
  ['safeHarbourRecordingId', (s: Partial<CampaignSettings>) => s.safeHarbourRecordingId],
] as const;

/**
 * Checks of settings that span fields, beyond what a request's schema checks field by
 * field. Incomplete campaigns may be saved (consent on without a recording yet): starting
 * one is what checks it is ready (`checkStartPreconditions`).
 */
export function checkCampaignSettings(settings: CampaignSettings): SettingsIssue[] {
  return [
    ...validateCallingWindow(settings).map((message) => ({ field: 'window', message })),
    ...checkAmdParameters(settings.amd).map((message) => ({ field: 'amd', message })),
    ...validateBlackoutDates(settings.blackoutDates).map((message) => ({
      field: 'blackoutDates',
      message,
    })),
  ];
}

/** Creates the campaign editing service over the store. */
export function createCampaignEditing(deps: {
  store: CampaignEditingStore;
  clock: Pick<Clock, 'now'>;
  newId(): string;
  log: { info(fields: object, message: string): void };
}): CampaignEditing {
  const { store, clock } = deps;

  /**
   * Every recording the settings (a new campaign's, or a change's) name but the library
   * does not hold: checked before writing, so that a wrong id is an issue naming the
   * field rather than the database's foreign-key failure.
   */
  async function missingRecordings(given: Partial<CampaignSettings>): Promise<SettingsIssue[]> {
    const issues: SettingsIssue[] = [];
    for (const [field, read] of RECORDING_REFERENCES) {
      const id = read(given);
      if (id === null || id === undefined || (await store.recordingExists(id))) continue;
      issues.push({
        field,
        message: `no recording has the id "${id}"; upload it first or pick one of GET /api/recordings`,
      });
    }
    return issues;
  }

  /** Every problem at once: field rules across fields, then references. */
  async function problems(settings: CampaignSettings, given: Partial<CampaignSettings>) {
    return [...checkCampaignSettings(settings), ...(await missingRecordings(given))];
  }

  /** Inserts a new draft with these settings. */
  async function insertDraft(settings: CampaignSettings): Promise<Campaign> {
    const at = clock.now();
    const campaign: Campaign = {
      ...settings,
      id: deps.newId(),
      status: 'draft',
      statusReason: null,
      createdAt: at,
      updatedAt: at,
    };
    await store.insert(campaign);
    return campaign;
  }

  return {
    async create(given) {
      const settings: CampaignSettings = { ...CAMPAIGN_DEFAULTS, ...given };
      const issues = await problems(settings, given);
      if (issues.length > 0) return { ok: false, reason: 'invalid', issues };
      const campaign = await insertDraft(settings);
      deps.log.info({ campaignId: campaign.id }, 'campaign created');
      return { ok: true, campaign };
    },
    async update(id, patch) {
      const current = await store.get(id);
      if (current === undefined) return { ok: false, reason: 'notFound' };
      if (current.status === 'archived') {
        return {
          ok: false,
          reason: 'archived',
          message: 'an archived campaign cannot change; unarchive it first',
        };
      }
      const issues = await problems({ ...current, ...patch }, patch);
      if (issues.length > 0) return { ok: false, reason: 'invalid', issues };
      if (!(await store.update(id, patch, clock.now()))) return { ok: false, reason: 'notFound' };
      const campaign = await store.get(id);
      return campaign === undefined ? { ok: false, reason: 'notFound' } : { ok: true, campaign };
    },
    async clone(id) {
      const source = await store.get(id);
      if (source === undefined) return { ok: false, reason: 'notFound' };
      const { id: _id, status, statusReason, createdAt, updatedAt, ...settings } = source;
      const campaign = await insertDraft({
        ...settings,
        name: `${source.name} (copy)`.slice(0, 120),
      });
      return { ok: true, campaign };
    },
  };
}
