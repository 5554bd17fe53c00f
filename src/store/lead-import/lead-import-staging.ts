import { existsSync, rmSync } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import type { Store } from '../sqlite/db.js';
import { withConnection } from '../sqlite/sync-transaction.js';

/** Where one import's staged rows live while it runs. */
export interface ImportStaging {
  /** The table of staged rows, schema-qualified. */
  rows: string;
  /** The file that holds them, beside the database; null for an in-memory database. */
  file: string | null;
  /**
   * Flushes the staged rows to disk: after this, a restart can finish the merge. From
   * libuv's thread pool: the file's last writes may take the disk a while (ADR 052).
   */
  sync(): Promise<void>;
  /** Detaches and deletes the staging (the merge is over, or the import failed). */
  remove(): Promise<void>;
  /** Detaches the staging but keeps its file, for the next start to finish the merge. */
  detach(): Promise<void>;
}

/** The database file's path, or null for an in-memory database. */
function mainFile(store: Store): string | null {
  const list = store.prepare('pragma database_list').all([]) as { name: string; file: string }[];
  const file = list.find((entry) => entry.name === 'main')?.file ?? '';
  return file === '' ? null : file;
}

/**
 * The staging file's page cache (KiB). Its rows are appended while the file is read and
 * read back in rowid order by the merge: neither goes back to a page it left, so a cache
 * holds nothing worth keeping. An attached database otherwise gets the build's default,
 * 16,000 KiB, which the appends of a large file fill: that much more peak RSS while the
 * file is read (docs/BENCHMARKS.md, "CLI start-up").
 */
const STAGING_CACHE_KIB = 1024;

/**
 * Attaches an import's staging file to the connection as `schema`: no journal and no
 * fsyncs of its own (a crash while the file is read fails the import anyway; the whole
 * file is flushed once before the merge), and a small page cache. The connection of
 * the event loop and the merge's own thread (ADR 039) attach it the same way.
 */
export function attachStagingFile(store: Store, file: string, schema: string): void {
  store.prepare(`attach database ? as ${schema}`).run([file]);
  store.prepare(`pragma ${schema}.journal_mode = off`).all([]);
  store.prepare(`pragma ${schema}.synchronous = off`).run([]);
  store.prepare(`pragma ${schema}.cache_size = -${STAGING_CACHE_KIB}`).run([]);
}

/** The staging file of import `importId` beside the database file. */
export function stagingFileOf(databaseFile: string, importId: string): string {
  return `${databaseFile}-import-${importId}`;
}

/**
 * Opens the staging of an import's rows: a database file of its own beside the main one
 * (`<db>-import-<id>`), attached to the connection as `import_stage_<slot>`, without a
 * journal or fsyncs while rows are written (a crash while reading fails the import
 * anyway), flushed once when the whole file has been read. Its own file so that the
 * merge can resume after a restart, and so that removing a million staged rows is one
 * unlink rather than a delete through the WAL. For an in-memory database (tests), a temp
 * table as before: nothing survives a restart there anyway.
 *
 * `existing` reopens the file a stopped run left, to finish its merge.
 */
export async function openImportStaging(
  store: Store,
  slot: number,
  importId: string,
  existing = false,
): Promise<ImportStaging> {
  return withConnection(store, () => {
    const databaseFile = mainFile(store);
    if (databaseFile === null) {
      const rows = `temp.lead_import_rows_${slot}`;
      if (!existing) createRowsTable(store, rows, true);
      return {
        rows,
        file: null,
        sync: async () => undefined,
        remove: () =>
          withConnection(store, () => {
            store.prepare(`drop table if exists ${rows}`).run([]);
          }),
        detach: async () => undefined,
      };
    }
    const file = stagingFileOf(databaseFile, importId);
    if (existing && !existsSync(file)) throw new Error(`the staged rows are gone (${file})`);
    if (!existing) rmSync(file, { force: true });
    const schema = `import_stage_${slot}`;
    attachStagingFile(store, file, schema);
    const rows = `${schema}.lead_import_rows`;
    if (!existing) createRowsTable(store, rows, false);
    let detached = false;
    const detach = async (): Promise<void> => {
      if (detached) return;
      detached = true;
      await withConnection(store, () => {
        store.prepare(`detach database ${schema}`).run([]);
      });
    };
    return {
      rows,
      file,
      async sync() {
        const handle = await open(file, 'r+');
        try {
          await handle.sync();
        } finally {
          await handle.close();
        }
      },
      async remove() {
        await detach();
        // From libuv's thread pool: unlinking a staging file of a million rows held the
        // event loop for 40-190 ms as the import ended (ADR 052).
        await rm(file, { force: true });
      },
      detach,
    };
  });
}

function createRowsTable(store: Store, rows: string, dropFirst: boolean): void {
  if (dropFirst) store.prepare(`drop table if exists ${rows}`).run([]);
  // row_number is the rowid: rows are appended in order, the cheapest insert there is,
  // and the merge reads them back by rowid range. phone_zones is the number's
  // `lead.phone_zones`, worked out when the row is staged: in the merge, a call into
  // JavaScript per row from SQL would cost a fifth of its time.
  store
    .prepare(
      `create table ${rows} (row_number integer primary key, phone text not null,
        name text, timezone text, caller_id text, custom_vars text not null,
        state text not null, note text, phone_zones text)`,
    )
    .run([]);
}
