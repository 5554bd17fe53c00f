/**
 * The checkpointer's thread (see wal-checkpointer.ts): a connection of its own to the
 * database, which copies the write-ahead log into the database file so that the
 * process's main connection never does it inside a commit on the event loop. It reads
 * the WAL-index every `pollMs` and checkpoints:
 * - PASSIVE once `passiveFrames` frames wait: copies what no reader still needs, taking
 *   no lock a writer waits on;
 * - RESTART once the WAL holds `restartFrames` frames: copies the rest and makes the next
 *   commit write the WAL from its start again. A WAL starts over only when a write
 *   begins with every frame copied, which never happens while a writer commits back to
 *   back (a sliced import merge) or readers always overlap: without this it would grow
 *   without end. The thread first asks the long writers, through the shared array, for
 *   a gap between two transactions (see `CONTROL`) and runs the RESTART in it; when none
 *   is running (or none answers within `retryMs`), it takes the write lock between other
 *   writers' commits, waiting at most `busyMs` for it and for the readers;
 * - TRUNCATE, with the same bound, once nothing was written for `idleMs`: the WAL file
 *   goes back to nothing while there is time for it.
 * A failure the next poll cannot mend (the file unreadable, an I/O error) ends the
 * thread with that error: the main connection then checkpoints automatically again.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import SQLite from 'better-sqlite3';
import {
  type CheckpointerToMain,
  type CheckpointKind,
  type CheckpointWorkerData,
  CONTROL,
  LONG_WRITER_MS,
  PAUSE,
  wallClockSlot,
} from './wal-checkpoint-protocol.js';
import { parseWalIndex, WAL_INDEX_BYTES, type WalIndexState } from './wal-index.js';

const data = workerData as CheckpointWorkerData;
const port = parentPort;
if (port === null) throw new Error('wal-checkpoint-worker runs as a worker thread');
const control = new Int32Array(data.control);

const connection = new SQLite(data.path, { fileMustExist: true });
// A checkpoint syncs the WAL before copying and the database after, at this level: the
// same durability as the main connection's own checkpoints.
connection.pragma(`synchronous = ${data.synchronous}`);
// Its checkpoints copy pages from the WAL to the file without its page cache.
connection.pragma('cache_size = -256');
// Reading the journal mode makes sure the WAL-index exists before it is opened below; it
// may wait for a writer as long as the main connection would.
connection.pragma('busy_timeout = 5000');
const mode = connection.pragma('journal_mode', { simple: true });
if (mode !== 'wal') {
  connection.close();
  throw new Error(`the database is in ${String(mode)} mode, not WAL`);
}
connection.pragma(`busy_timeout = ${data.busyMs}`);
const shm = openSync(`${data.path}-shm`, 'r');
const bytes = Buffer.alloc(WAL_INDEX_BYTES);

const statements: Record<CheckpointKind, SQLite.Statement> = {
  PASSIVE: connection.prepare('pragma wal_checkpoint(PASSIVE)'),
  RESTART: connection.prepare('pragma wal_checkpoint(RESTART)'),
  TRUNCATE: connection.prepare('pragma wal_checkpoint(TRUNCATE)'),
};

function readIndex(): WalIndexState | null {
  const read = readSync(shm, bytes, 0, WAL_INDEX_BYTES, 0);
  const state = parseWalIndex(bytes.subarray(0, read));
  if ('unreadable' in state) {
    if (state.unreadable === 'unsupported') {
      throw new Error(`${data.path}-shm is not a WAL-index this version of dialstate can read`);
    }
    return null;
  }
  return state;
}

function checkpoint(kind: CheckpointKind): boolean {
  const started = performance.now();
  const [row] = statements[kind].all() as { busy: number; log: number; checkpointed: number }[];
  const busy = row?.busy === 1;
  port?.postMessage({
    type: 'checkpointed',
    kind,
    busy,
    frames: row?.log ?? 0,
    backfilled: row?.checkpointed ?? 0,
    ms: performance.now() - started,
  } satisfies CheckpointerToMain);
  return !busy;
}

let lastChange = -1;
let lastFrames = -1;
let changedAt = performance.now();
/**
 * How long after a checkpoint that readers or writers kept from finishing the same one
 * is tried again: a RESTART or TRUNCATE holds new writers off for up to `busyMs`, so they are held
 * off a twentieth of the time at most.
 */
const retryMs = 20 * data.busyMs;
/**
 * The WAL as the last PASSIVE checkpoint left it. While readers keep it from copying
 * more, polls that find it unchanged do not try again until `retryMs` later.
 */
let afterPassive = { frames: -1, backfilled: -1, at: 0 };
/** After a RESTART or TRUNCATE found readers or a writer in the way: not again before then. */
let forcedNotBefore = 0;
/** The WAL's `change` when a RESTART last finished: the next commit starts it over. */
let restartedAt = -1;
/** When the long writers were last asked for a gap. */
let wantedAt = 0;

function passive(state: WalIndexState, now: number): void {
  const unchanged =
    state.frames === afterPassive.frames && state.backfilled === afterPassive.backfilled;
  if (unchanged && now - afterPassive.at < retryMs) return;
  checkpoint('PASSIVE');
  const after = readIndex() ?? state;
  afterPassive = { frames: after.frames, backfilled: after.backfilled, at: now };
}

/** A RESTART or TRUNCATE, unless one was kept from finishing less than `retryMs` ago. */
function force(kind: 'RESTART' | 'TRUNCATE', now: number): boolean {
  if (now < forcedNotBefore) return false;
  if (!checkpoint(kind)) {
    forcedNotBefore = now + retryMs;
    return false;
  }
  if (kind === 'RESTART') restartedAt = readIndex()?.change ?? restartedAt;
  return true;
}

/** Whether a long writer passed between two of its transactions within `LONG_WRITER_MS`. */
function longWriterRunning(): boolean {
  const seen = Atomics.load(control, CONTROL.WRITER_SEEN);
  if (seen === 0) return false;
  return (wallClockSlot() - seen + 2 ** 31) % 2 ** 31 < LONG_WRITER_MS;
}

/** Ends a gap the long writers gave (or stops asking for one), and wakes the one waiting. */
function endPause(): void {
  Atomics.store(control, CONTROL.PAUSE, PAUSE.NONE);
  Atomics.notify(control, CONTROL.PAUSE);
}

function poll(): void {
  if (Atomics.load(control, CONTROL.PAUSE) === PAUSE.GIVEN) {
    // The long writers wait between two transactions: the write lock is free now.
    forcedNotBefore = 0;
    force('RESTART', performance.now());
    endPause();
    return;
  }
  const state = readIndex();
  if (state === null) return;
  const now = performance.now();
  if (state.change !== lastChange || state.frames !== lastFrames) {
    lastChange = state.change;
    lastFrames = state.frames;
    changedAt = now;
  }
  const waiting = state.frames - state.backfilled;
  if (state.frames >= data.restartFrames && state.change !== restartedAt) {
    // The long writers are asked for a gap: they give it at their next transaction's
    // end, and wait in it until the RESTART is done. While one runs, the RESTART waits
    // for its gap (up to `retryMs`) rather than take the write lock between two of its
    // transactions, which would make the next one wait on the event loop for as long as
    // the RESTART copies the rest; with none running, it takes the lock between other
    // writers' commits at once.
    if (Atomics.compareExchange(control, CONTROL.PAUSE, PAUSE.NONE, PAUSE.WANTED) === PAUSE.NONE) {
      wantedAt = now;
    }
    const direct = (!longWriterRunning() || now - wantedAt >= retryMs) && now >= forcedNotBefore;
    // Not a PASSIVE at every poll while it waits: each syncs, and commits sync behind it.
    if (waiting >= data.passiveFrames || (direct && waiting > 0)) passive(state, now);
    if (direct && force('RESTART', now)) endPause();
  } else if (waiting >= data.passiveFrames) {
    passive(state, now);
  } else if (state.frames > 0 && now - changedAt >= data.idleMs) {
    force('TRUNCATE', now);
  }
}

port.postMessage({ type: 'ready' } satisfies CheckpointerToMain);
try {
  while (Atomics.load(control, CONTROL.STOP) === 0) {
    // Asleep until the next poll, or until the main thread gives a gap or says stop.
    Atomics.wait(control, CONTROL.PAUSE, Atomics.load(control, CONTROL.PAUSE), data.pollMs);
    if (Atomics.load(control, CONTROL.STOP) === 0) poll();
  }
} finally {
  // Also after an error, which then ends the thread: no lock or file is left behind.
  endPause();
  closeSync(shm);
  connection.close();
}
