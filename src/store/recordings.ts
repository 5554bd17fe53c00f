import type { Insertable, Kysely, Selectable } from 'kysely';
import type { CampaignStatus } from '../campaign/campaign.js';
import { isForeignKeyViolation } from './constraint-errors.js';
import type { Database, RecordingTable } from './schema.js';

/** An uploaded prompt or voicemail message, converted for Asterisk. */
export interface Recording {
  id: string;
  name: string;
  /** Name of the converted file in the media directory. */
  fileName: string;
  /** What Asterisk plays, e.g. `sound:/mnt/asterisk_media/ai-generated/dialstate-rec-3f2a`. */
  mediaUri: string;
  durationMs: number;
  sizeBytes: number;
  /** Hex SHA-256 of the converted file. */
  sha256: string;
  createdAt: number;
  updatedAt: number;
}

export type DeleteRecordingResult =
  | { ok: true }
  | { ok: false; reason: 'notFound' }
  /** A campaign still uses it for consent or voicemail. */
  | { ok: false; reason: 'inUse' };

/** What a campaign plays a recording as. */
export type RecordingRole = 'consent' | 'voicemail';

/**
 * A campaign that refers to a recording. Any status counts, archived included: the
 * reference alone keeps the recording from being deleted.
 */
export interface RecordingUse {
  campaignId: string;
  campaignName: string;
  campaignStatus: CampaignStatus;
  roles: RecordingRole[];
}

/** Maps a `recording` row to a `Recording`. */
export function recordingFromRow(row: Selectable<RecordingTable>): Recording {
  return {
    id: row.id,
    name: row.name,
    fileName: row.file_name,
    mediaUri: row.media_uri,
    durationMs: row.duration_ms,
    sizeBytes: row.size_bytes,
    sha256: row.sha256,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function recordingToRow(recording: Recording): Insertable<RecordingTable> {
  return {
    id: recording.id,
    name: recording.name,
    file_name: recording.fileName,
    media_uri: recording.mediaUri,
    duration_ms: recording.durationMs,
    size_bytes: recording.sizeBytes,
    sha256: recording.sha256,
    created_at: recording.createdAt,
    updated_at: recording.updatedAt,
  };
}

/** The recording library. */
export interface RecordingRepository {
  insert(recording: Recording): Promise<void>;
  get(id: string): Promise<Recording | undefined>;
  /** Every recording, by name. */
  list(): Promise<Recording[]>;
  /** Sets the display name; undefined when there is no recording `id`. */
  rename(id: string, name: string, at: number): Promise<Recording | undefined>;
  /** Refuses (`inUse`) while a campaign refers to the recording. */
  delete(id: string): Promise<DeleteRecordingResult>;
  /**
   * The campaigns referring to each recording, by recording id (campaigns by name); only
   * `recordingId`'s when given. A recording no campaign uses has no entry.
   */
  uses(recordingId?: string): Promise<Map<string, RecordingUse[]>>;
  /** Keys of the shipped recordings ever installed, deleted since or not. */
  shippedKeys(): Promise<Set<string>>;
  /**
   * Inserts a shipped recording and records its key as installed, in one transaction;
   * either already there is left as it is.
   */
  insertShipped(key: string, recording: Recording): Promise<void>;
}

/** Creates the recording repository over a migrated database. */
export function createRecordingRepository(db: Kysely<Database>): RecordingRepository {
  return {
    async insert(recording) {
      await db.insertInto('recording').values(recordingToRow(recording)).execute();
    },

    async get(id) {
      const row = await db
        .selectFrom('recording')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      return row && recordingFromRow(row);
    },

    async list() {
      const rows = await db
        .selectFrom('recording')
        .selectAll()
        .orderBy('name')
        .orderBy('id')
        .execute();
      return rows.map(recordingFromRow);
    },

    async rename(id, name, at) {
      const row = await db
        .updateTable('recording')
        .set({ name, updated_at: at })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      return row && recordingFromRow(row);
    },

    async delete(id) {
      try {
        const result = await db.deleteFrom('recording').where('id', '=', id).executeTakeFirst();
        return result.numDeletedRows > 0n ? { ok: true } : { ok: false, reason: 'notFound' };
      } catch (error) {
        // The campaign foreign keys are the authority on "in use": no check-then-delete race.
        if (isForeignKeyViolation(error)) {
          return { ok: false, reason: 'inUse' };
        }
        throw error;
      }
    },

    async uses(recordingId) {
      const rows = await db
        .selectFrom('campaign')
        .select(['id', 'name', 'status', 'consent_recording_id', 'voicemail_recording_id'])
        .where((eb) =>
          recordingId === undefined
            ? eb.or([
                eb('consent_recording_id', 'is not', null),
                eb('voicemail_recording_id', 'is not', null),
              ])
            : eb.or([
                eb('consent_recording_id', '=', recordingId),
                eb('voicemail_recording_id', '=', recordingId),
              ]),
        )
        .orderBy('name')
        .orderBy('id')
        .execute();
      const uses = new Map<string, RecordingUse[]>();
      for (const row of rows) {
        const references: [RecordingRole, string | null][] = [
          ['consent', row.consent_recording_id],
          ['voicemail', row.voicemail_recording_id],
        ];
        for (const [role, id] of references) {
          if (id === null || (recordingId !== undefined && id !== recordingId)) continue;
          const list = uses.get(id) ?? [];
          const last = list.at(-1);
          if (last?.campaignId === row.id) {
            last.roles.push(role);
          } else {
            const campaignStatus = row.status as CampaignStatus;
            list.push({
              campaignId: row.id,
              campaignName: row.name,
              campaignStatus,
              roles: [role],
            });
          }
          uses.set(id, list);
        }
      }
      return uses;
    },

    async shippedKeys() {
      const rows = await db.selectFrom('shipped_recording').select('key').execute();
      return new Set(rows.map((row) => row.key));
    },

    async insertShipped(key, recording) {
      // Idempotent, so two processes starting on one database both succeed.
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('recording')
          .values(recordingToRow(recording))
          .onConflict((oc) => oc.column('id').doNothing())
          .execute();
        await trx
          .insertInto('shipped_recording')
          .values({ key, recording_id: recording.id, installed_at: recording.createdAt })
          .onConflict((oc) => oc.column('key').doNothing())
          .execute();
      });
    },
  };
}
