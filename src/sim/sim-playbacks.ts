import { randomUUID } from 'node:crypto';
import type { SimCall } from './sim-call.js';
import type { PlaybackSnapshot, SimEvents } from './sim-events.js';
import type { MediaLibrary } from './sim-media.js';
import type { SimTimer } from './sim-scheduler.js';

/** What `POST /channels/{id}/play` asks for. */
export interface PlayRequest {
  /** Media URIs, played one after the other. */
  media: readonly string[];
  playbackId?: string;
  lang?: string;
}

/**
 * Media playbacks on the dialer's channels.
 *
 * A play request answers with the playback `queued` (fact 11); `PlaybackStarted` follows
 * at once, then `PlaybackFinished` `done` when the media's length has played. Media that
 * cannot be found still starts, then finishes `failed` in the same instant (fact 12).
 * Playbacks on one channel queue behind each other, as ARI's control queue does.
 */
export interface SimPlaybacks {
  play(call: SimCall, request: PlayRequest): PlaybackSnapshot;
  /** A live (queued or playing) playback; finished ones are gone (fact 12). */
  get(playbackId: string): PlaybackSnapshot | undefined;
  /** Stops a live playback: it finishes `done`. False when there is none. */
  stop(playbackId: string): boolean;
  /**
   * Ends the playbacks of a call leaving Stasis; queued ones never start. The one
   * playing finishes `failed` when the call is hanging up (res_stasis_playback reports
   * a playback cut short by a hangup as failed) and `done` when the channel is
   * continued in the dialplan (a stopped playback reports done).
   */
  endAll(call: SimCall, state: 'done' | 'failed'): void;
}

interface LivePlayback {
  readonly snapshot: PlaybackSnapshot;
  readonly call: SimCall;
  readonly media: readonly string[];
  index: number;
  started: boolean;
  timer: SimTimer | null;
}

/** Creates the playback registry; see {@link SimPlaybacks}. */
export function createSimPlaybacks(deps: { events: SimEvents; media: MediaLibrary }): SimPlaybacks {
  return new PlaybackRegistry(deps.events, deps.media);
}

class PlaybackRegistry implements SimPlaybacks {
  readonly #events: SimEvents;
  readonly #media: MediaLibrary;
  readonly #live = new Map<string, LivePlayback>();
  readonly #queues = new Map<SimCall, LivePlayback[]>();

  constructor(events: SimEvents, media: MediaLibrary) {
    this.#events = events;
    this.#media = media;
  }

  play(call: SimCall, request: PlayRequest): PlaybackSnapshot {
    const [first = '', second] = request.media;
    const snapshot: PlaybackSnapshot = {
      id: request.playbackId || randomUUID(),
      media_uri: first,
      ...(second === undefined ? {} : { next_media_uri: second }),
      target_uri: `channel:${call.local.id}`,
      language: request.lang || 'en',
      state: 'queued',
    };
    const live: LivePlayback = {
      snapshot,
      call,
      media: request.media,
      index: 0,
      started: false,
      timer: null,
    };
    this.#live.set(snapshot.id, live);
    const queue = this.#queues.get(call) ?? [];
    queue.push(live);
    this.#queues.set(call, queue);
    if (queue.length === 1) call.after(0, () => this.#start(live));
    return { ...snapshot };
  }

  get(playbackId: string): PlaybackSnapshot | undefined {
    const live = this.#live.get(playbackId);
    return live && { ...live.snapshot };
  }

  stop(playbackId: string): boolean {
    const live = this.#live.get(playbackId);
    if (!live) return false;
    if (live.started) this.#finish(live, 'done');
    else this.#drop(live);
    return true;
  }

  endAll(call: SimCall, state: 'done' | 'failed'): void {
    const queue = this.#queues.get(call) ?? [];
    for (const live of queue) this.#live.delete(live.snapshot.id);
    this.#queues.delete(call);
    const [current] = queue;
    if (current?.started) {
      current.timer?.cancel();
      current.snapshot.state = state;
      this.#events.playback('PlaybackFinished', { ...current.snapshot }, call.local);
    }
  }

  #start(live: LivePlayback): void {
    live.started = true;
    live.snapshot.state = 'playing';
    this.#events.playback('PlaybackStarted', { ...live.snapshot }, live.call.local);
    live.call.reach('playback');
    this.#playCurrent(live);
  }

  #playCurrent(live: LivePlayback): void {
    const duration = this.#media.durationOf(live.media[live.index] ?? '');
    if (duration === null) {
      this.#finish(live, 'failed');
      return;
    }
    live.timer = live.call.after(duration, () => {
      live.timer = null;
      if (live.index + 1 >= live.media.length) {
        this.#finish(live, 'done');
        return;
      }
      live.index += 1;
      const next = live.media[live.index + 1];
      live.snapshot.media_uri = live.media[live.index] ?? '';
      if (next === undefined) delete live.snapshot.next_media_uri;
      else live.snapshot.next_media_uri = next;
      live.snapshot.state = 'continuing';
      this.#events.playback('PlaybackContinuing', { ...live.snapshot }, live.call.local);
      live.snapshot.state = 'playing';
      this.#playCurrent(live);
    });
  }

  #finish(live: LivePlayback, state: 'done' | 'failed'): void {
    live.timer?.cancel();
    live.snapshot.state = state;
    this.#drop(live);
    this.#events.playback('PlaybackFinished', { ...live.snapshot }, live.call.local);
  }

  /** Takes a playback out of the registry and starts the next one queued on its channel. */
  #drop(live: LivePlayback): void {
    this.#live.delete(live.snapshot.id);
    const queue = this.#queues.get(live.call) ?? [];
    const wasCurrent = queue[0] === live;
    const rest = queue.filter((queued) => queued !== live);
    if (rest.length === 0) this.#queues.delete(live.call);
    else this.#queues.set(live.call, rest);
    const next = rest[0];
    if (wasCurrent && next) live.call.after(0, () => this.#start(next));
  }
}
