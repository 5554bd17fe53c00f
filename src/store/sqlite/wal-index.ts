import { endianness } from 'node:os';

/**
 * What the WAL-index (the database's `-shm` file) says of the write-ahead log, read
 * without a connection and without taking a lock: how many frames the WAL holds and how
 * many of them a checkpoint has already copied into the database file. The checkpointer
 * reads it to decide when to checkpoint, where a `PRAGMA wal_checkpoint` would already be
 * the work. Layout from SQLite's file format documentation (https://sqlite.org/walformat.html,
 * "The WAL-Index Header"): two copies of a 48-byte header, then the checkpoint info; in
 * the host's byte order, since every process of a host maps the same file.
 */
export interface WalIndexState {
  /** Frames in the WAL since it last started over (`mxFrame`). */
  frames: number;
  /** Of those, the frames already copied into the database file (`nBackfill`). */
  backfilled: number;
  /** Counts the WAL's transactions; changes with every commit (`iChange`). */
  change: number;
  /** The database's page size in bytes: a frame is a page and a 24-byte header. */
  pageSize: number;
}

/** The bytes read: both header copies and the checkpoint info up to `nBackfillAttempted`. */
export const WAL_INDEX_BYTES = 136;
/** `iVersion` of every WAL-index since SQLite 3.7.0. */
const WAL_INDEX_VERSION = 3_007_000;
const HEADER_BYTES = 48;
const BACKFILL_OFFSET = 96;

/**
 * Reads `bytes` (the first `WAL_INDEX_BYTES` of a `-shm` file). `unsupported` when it is
 * not a WAL-index this code knows (another version): the caller must not trust it again.
 * `unsettled` when no connection has built it yet or a writer was changing it as it was
 * read (its two header copies differ): read again later.
 */
export function parseWalIndex(
  bytes: Buffer,
): WalIndexState | { unreadable: 'unsupported' | 'unsettled' } {
  if (bytes.length < WAL_INDEX_BYTES) return { unreadable: 'unsettled' };
  const u32 = (offset: number) =>
    endianness() === 'LE' ? bytes.readUInt32LE(offset) : bytes.readUInt32BE(offset);
  const u16 = (offset: number) =>
    endianness() === 'LE' ? bytes.readUInt16LE(offset) : bytes.readUInt16BE(offset);
  const version = u32(0);
  // A file of zeros: created, not yet initialised by its first connection.
  if (version === 0) return { unreadable: 'unsettled' };
  if (version !== WAL_INDEX_VERSION) return { unreadable: 'unsupported' };
  const initialised = bytes[12] === 1;
  const settled = bytes.compare(bytes, HEADER_BYTES, 2 * HEADER_BYTES, 0, HEADER_BYTES) === 0;
  if (!initialised || !settled) return { unreadable: 'unsettled' };
  const size = u16(14);
  return {
    frames: u32(16),
    backfilled: u32(BACKFILL_OFFSET),
    change: u32(8),
    // 64 KiB does not fit in 16 bits: SQLite stores it as 1.
    pageSize: size === 1 ? 65_536 : size,
  };
}
