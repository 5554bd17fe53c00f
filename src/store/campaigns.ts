import type { Insertable, Kysely, Selectable, Updateable } from 'kysely';
import type { Campaign, CampaignSettings, CampaignStatus } from '../campaign/campaign.js';
import { NO_FREQUENCY_CAPS } from '../campaign/frequency-caps.js';
import type { CampaignRepository } from '../control/campaign-reads.js';
import type { CampaignTable, Database } from './schema.js';

type CampaignRow = Selectable<CampaignTable>;

/** Maps a `campaign` row to the domain `Campaign`, parsing its JSON columns. */
export function campaignFromRow(row: CampaignRow): Campaign {
  return {
    id: row.id,
    name: row.name,
    status: row.status as CampaignStatus,
    statusReason: row.status_reason,
    timezone: row.timezone,
    window: {
      start: row.window_start,
      end: row.window_end,
      days: row.window_days === '' ? [] : row.window_days.split(',').map(Number),
    },
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    blackoutDates: JSON.parse(row.blackout_dates),
    frequencyCaps: { ...NO_FREQUENCY_CAPS, ...JSON.parse(row.frequency_caps) },
    maxConcurrent: row.max_concurrent,
    minIntervalMs: row.min_interval_ms,
    ringTimeoutSec: row.ring_timeout_sec,
    callerId: row.caller_id,
    defaultRegion: row.default_region,
    allowExtensions: row.allow_extensions === 1,
    aiTarget: JSON.parse(row.ai_target),
    aiContext: row.ai_context,
    aiProvider: row.ai_provider,
    aiAgent: row.ai_agent,
    dialString: row.dial_string,
    pbxs: row.pbxs === null ? null : JSON.parse(row.pbxs),
    consent: {
      enabled: row.consent_enabled === 1,
      recordingId: row.consent_recording_id,
      timeoutSec: row.consent_timeout_sec,
    },
    optOutDigit: row.consent_opt_out_digit,
    optOutRecordingId: row.consent_opt_out_recording_id,
    voicemail: {
      enabled: row.voicemail_enabled === 1,
      recordingId: row.voicemail_recording_id,
      greetingMaxWaitSec: row.voicemail_greeting_max_wait_sec,
    },
    amd: JSON.parse(row.amd),
    retry: JSON.parse(row.retry),
    abandonCapPercent: row.abandon_cap_percent,
    safeHarbourRecordingId: row.safe_harbour_recording_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The columns that hold the given settings; settings left out are left out here too. */
function settingsToColumns(settings: Partial<CampaignSettings>): Updateable<CampaignTable> {
  const columns: Updateable<CampaignTable> = {};
  if (settings.name !== undefined) columns.name = settings.name;
  if (settings.timezone !== undefined) columns.timezone = settings.timezone;
  if (settings.window !== undefined) {
    columns.window_start = settings.window.start;
    columns.window_end = settings.window.end;
    columns.window_days = settings.window.days.join(',');
  }
  if (settings.startsAt !== undefined) columns.starts_at = settings.startsAt;
  if (settings.endsAt !== undefined) columns.ends_at = settings.endsAt;
  if (settings.blackoutDates !== undefined) {
    columns.blackout_dates = JSON.stringify(settings.blackoutDates);
  }
  if (settings.frequencyCaps !== undefined) {
    columns.frequency_caps = JSON.stringify(settings.frequencyCaps);
  }
  if (settings.maxConcurrent !== undefined) columns.max_concurrent = settings.maxConcurrent;
  if (settings.minIntervalMs !== undefined) columns.min_interval_ms = settings.minIntervalMs;
  if (settings.ringTimeoutSec !== undefined) columns.ring_timeout_sec = settings.ringTimeoutSec;
  if (settings.callerId !== undefined) columns.caller_id = settings.callerId;
  if (settings.defaultRegion !== undefined) columns.default_region = settings.defaultRegion;
  if (settings.allowExtensions !== undefined) {
    columns.allow_extensions = settings.allowExtensions ? 1 : 0;
  }
  if (settings.aiTarget !== undefined) columns.ai_target = JSON.stringify(settings.aiTarget);
  if (settings.aiContext !== undefined) columns.ai_context = settings.aiContext;
  if (settings.aiProvider !== undefined) columns.ai_provider = settings.aiProvider;
  if (settings.aiAgent !== undefined) columns.ai_agent = settings.aiAgent;
  if (settings.dialString !== undefined) columns.dial_string = settings.dialString;
  if (settings.pbxs !== undefined) {
    columns.pbxs = settings.pbxs === null ? null : JSON.stringify(settings.pbxs);
  }
  if (settings.consent !== undefined) {
    columns.consent_enabled = settings.consent.enabled ? 1 : 0;
    columns.consent_recording_id = settings.consent.recordingId;
    columns.consent_timeout_sec = settings.consent.timeoutSec;
  }
  if (settings.voicemail !== undefined) {
    columns.voicemail_enabled = settings.voicemail.enabled ? 1 : 0;
    columns.voicemail_recording_id = settings.voicemail.recordingId;
    columns.voicemail_greeting_max_wait_sec = settings.voicemail.greetingMaxWaitSec;
  }
  if (settings.amd !== undefined) columns.amd = JSON.stringify(settings.amd);
  if (settings.retry !== undefined) columns.retry = JSON.stringify(settings.retry);
  if (settings.optOutDigit !== undefined) columns.consent_opt_out_digit = settings.optOutDigit;
  if (settings.optOutRecordingId !== undefined) {
    columns.consent_opt_out_recording_id = settings.optOutRecordingId;
  }
  if (settings.abandonCapPercent !== undefined) {
    columns.abandon_cap_percent = settings.abandonCapPercent;
  }
  if (settings.safeHarbourRecordingId !== undefined) {
    columns.safe_harbour_recording_id = settings.safeHarbourRecordingId;
  }
  return columns;
}

function campaignToRow(campaign: Campaign): Insertable<CampaignTable> {
  // A whole campaign carries every setting, so every settings column is set; but `pbxs`,
  // whose default (null, every PBX) is the column's, so that a row written this way also
  // fits a database from before the column (tests that seed an older schema).
  const { pbxs, ...settings } = settingsToColumns(campaign) as Required<Updateable<CampaignTable>>;
  return {
    ...settings,
    ...(pbxs === null ? {} : { pbxs }),
    id: campaign.id,
    status: campaign.status,
    status_reason: campaign.statusReason,
    last_originate_at: null,
    created_at: campaign.createdAt,
    updated_at: campaign.updatedAt,
  };
}

/** Creates the campaign repository over a migrated database. */
export function createCampaignRepository(db: Kysely<Database>): CampaignRepository {
  return {
    async insert(campaign) {
      await db.insertInto('campaign').values(campaignToRow(campaign)).execute();
    },

    async get(id) {
      const row = await db
        .selectFrom('campaign')
        .selectAll()
        .where('id', '=', id)
        .where('deleting_at', 'is', null)
        .executeTakeFirst();
      return row && campaignFromRow(row);
    },

    async list() {
      const rows = await db
        .selectFrom('campaign')
        .selectAll()
        .where('deleting_at', 'is', null)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(campaignFromRow);
    },

    async update(id, settings, at) {
      const result = await db
        .updateTable('campaign')
        .set({ ...settingsToColumns(settings), updated_at: at })
        .where('id', '=', id)
        .where('deleting_at', 'is', null)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    async changeStatus(id, from, to, reason, at) {
      const result = await db
        .updateTable('campaign')
        .set({ status: to, status_reason: reason, updated_at: at })
        .where('id', '=', id)
        .where('status', '=', from)
        .where('deleting_at', 'is', null)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    async delete(id, at) {
      // A mark, not a DELETE: the cascade through a big campaign's leads and attempts
      // would hold the event loop for seconds (ADR 024).
      const result = await db
        .updateTable('campaign')
        // Its recordings are free at once: the campaign no longer plays them.
        .set({
          deleting_at: at,
          consent_recording_id: null,
          voicemail_recording_id: null,
          consent_opt_out_recording_id: null,
          safe_harbour_recording_id: null,
        })
        .where('id', '=', id)
        .where('deleting_at', 'is', null)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },
  };
}
