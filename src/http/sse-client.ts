/** One `/api/events` client: its filter, its bounded queue and its response stream. */
export interface SseClient {
  readonly campaignId: string | undefined;
  /** Seq of the latest event queued or sent to it: later rounds skip up to there. */
  readonly afterSeq: number;
  /** The response body. */
  readonly stream: ReadableStream<Uint8Array>;
  /**
   * Hands the client a chunk of frames that runs up to event `seq` (`-Infinity` for a
   * comment). Straight to the socket when it is waiting for data; queued otherwise.
   * When the queue would pass its bound, the client gets `reset` and is ended instead.
   */
  push(chunk: Uint8Array, seq: number): void;
  /** Ends the stream after what it holds; nothing more is accepted. */
  end(): void;
}

/**
 * Creates a client stream. The body is pulled: the HTTP server asks for the next chunk
 * only once the socket took the previous one (it waits for `drain`), so a client that
 * reads slowly leaves its backlog here, where it is counted, and nowhere else.
 */
export function createSseClient(options: {
  campaignId: string | undefined;
  maxQueuedBytes: number;
  /** The `reset` frame a client that fell too far behind gets before it is ended. */
  reset(): Uint8Array;
  /** Called once when the stream ends, by either side. */
  onClose(): void;
}): SseClient {
  let queue: Uint8Array[] = [];
  let queuedBytes = 0;
  let afterSeq = Number.NEGATIVE_INFINITY;
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  /** Resolves the pull the stream is waiting on: the socket wants data now. */
  let wanted: (() => void) | null = null;
  let ended = false;

  function close(): void {
    if (ended) return;
    ended = true;
    queue = [];
    queuedBytes = 0;
    options.onClose();
  }

  const stream = new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c;
      },
      pull() {
        const chunk = queue.shift();
        if (chunk === undefined) {
          return new Promise<void>((resolve) => {
            wanted = resolve;
          });
        }
        queuedBytes -= chunk.byteLength;
        controller.enqueue(chunk);
        return undefined;
      },
      cancel() {
        // The client went away.
        close();
        wanted?.();
        wanted = null;
      },
    },
    // Nothing is buffered ahead of the socket's demand: the queue above is the buffer.
    { highWaterMark: 0 },
  );

  function finish(last?: Uint8Array): void {
    if (ended) return;
    const rest = last === undefined ? queue : [last];
    close();
    for (const chunk of rest) controller.enqueue(chunk);
    controller.close();
    wanted?.();
    wanted = null;
  }

  return {
    campaignId: options.campaignId,
    get afterSeq() {
      return afterSeq;
    },
    stream,
    push(chunk, seq) {
      if (ended || chunk.byteLength === 0) return;
      afterSeq = Math.max(afterSeq, seq);
      if (wanted !== null) {
        controller.enqueue(chunk);
        const resolve = wanted;
        wanted = null;
        resolve();
        return;
      }
      if (queuedBytes + chunk.byteLength > options.maxQueuedBytes) {
        // Too far behind: reload rather than read a stale backlog. Its queue goes now.
        finish(options.reset());
        return;
      }
      queue.push(chunk);
      queuedBytes += chunk.byteLength;
    },
    end: () => finish(),
  };
}
