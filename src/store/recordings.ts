import type { Kysely, Selectable } from 'kysely';
import type { Database, RecordingTable } from './schema.js';

/** An uploaded prompt or voicemail message, converted for Asterisk. */
export interface Recording {
  id: string;
  name: string;
  /** Name of the converted file in the media directory. */
  fileName: string;
  /** What Asterisk plays, e.g. `sound:dialstate/consent-3f2a`. */
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

/** The recording library. */
export interface RecordingRepository {
  insert(recording: Recording): Promise<void>;
  get(id: string): Promise<Recording | undefined>;
  /** Every recording, by name. */
  list(): Promise<Recording[]>;
  /** Refuses (`inUse`) while a campaign refers to the recording. */
  delete(id: string): Promise<DeleteRecordingResult>;
}

/** Creates the recording repository over a migrated database. */
export function createRecordingRepository(db: Kysely<Database>): RecordingRepository {
  return {
    async insert(recording) {
      await db
        .insertInto('recording')
        .values({
          id: recording.id,
          name: recording.name,
          file_name: recording.fileName,
          media_uri: recording.mediaUri,
          duration_ms: recording.durationMs,
          size_bytes: recording.sizeBytes,
          sha256: recording.sha256,
          created_at: recording.createdAt,
          updated_at: recording.updatedAt,
        })
        .execute();
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

    async delete(id) {
      try {
        const result = await db.deleteFrom('recording').where('id', '=', id).executeTakeFirst();
        return result.numDeletedRows > 0n ? { ok: true } : { ok: false, reason: 'notFound' };
      } catch (error) {
        // The campaign foreign keys are the authority on "in use": no check-then-delete race.
        if ((error as { code?: unknown } | null)?.code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
          return { ok: false, reason: 'inUse' };
        }
        throw error;
      }
    },
  };
}
