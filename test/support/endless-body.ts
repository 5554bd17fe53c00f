/** A request body that never ends, counting how many chunks were read from it. */
export interface EndlessBody {
  /** Request options sending the body with these headers (a stream needs `duplex`). */
  init(headers: Record<string, string>): RequestInit;
  /** Chunks pulled so far; a stream pulls one when it is built, to fill its queue. */
  pulled(): number;
}

/** A body that repeats `chunk` for as long as anyone reads it. */
export function endlessBody(chunk: Uint8Array): EndlessBody {
  let pulled = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulled += 1;
      controller.enqueue(chunk);
    },
  });
  return {
    init: (headers) => ({ body: stream, headers, duplex: 'half' }) as RequestInit,
    pulled: () => pulled,
  };
}
