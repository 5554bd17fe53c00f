import WebSocket from 'ws';

/** An ARI event as received, parsed. */
export type AriEvent = { type: string } & Record<string, unknown> & {
    channel?: { id: string; state: string; dialplan: Record<string, unknown> };
    peer?: { id: string; state: string };
    playback?: { id: string; state: string; target_uri: string };
    args?: string[];
  };

/** Records the events a websocket receives for one or more apps. */
export class EventRecorder {
  readonly events: AriEvent[] = [];
  readonly #ws: WebSocket;
  readonly #waiters = new Set<() => void>();
  readonly #listeners = new Set<(event: AriEvent) => void>();

  private constructor(ws: WebSocket) {
    this.#ws = ws;
    ws.on('message', (data) => {
      const event = JSON.parse(String(data)) as AriEvent;
      this.events.push(event);
      for (const listener of this.#listeners) listener(event);
      for (const wake of this.#waiters) wake();
    });
  }

  /** Opens `/ari/events?app=…` with ari-client's `api_key` credentials. */
  static async connect(
    baseUrl: string,
    app: string,
    user = 'dialstate',
    password = 'secret',
  ): Promise<EventRecorder> {
    const url = `${baseUrl.replace(/^http/, 'ws')}/ari/events?app=${encodeURIComponent(app)}&api_key=${encodeURIComponent(user)}:${encodeURIComponent(password)}`;
    const ws = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return new EventRecorder(ws);
  }

  /** Calls `listener` for every event from now on; returns the unsubscribe function. */
  subscribe(listener: (event: AriEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Resolves with the first event at or after index `from` matching `predicate`. */
  waitFor(
    predicate: (event: AriEvent) => boolean,
    options: { from?: number; timeoutMs?: number } = {},
  ): Promise<AriEvent> {
    const { from = 0, timeoutMs = 5000 } = options;
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const found = this.events.slice(from).find(predicate);
        if (!found) return false;
        this.#waiters.delete(wake);
        clearTimeout(timer);
        resolve(found);
        return true;
      };
      const wake = () => {
        check();
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(wake);
        reject(
          new Error(
            `no matching event within ${timeoutMs} ms; got ${this.events.map((e) => e.type).join(', ')}`,
          ),
        );
      }, timeoutMs);
      if (!check()) this.#waiters.add(wake);
    });
  }

  /** Events about one channel (by channel, Dial peer, or playback target). */
  about(channelId: string): AriEvent[] {
    return this.events.filter(
      (event) =>
        event.channel?.id === channelId ||
        event.peer?.id === channelId ||
        event.playback?.target_uri === `channel:${channelId}`,
    );
  }

  /**
   * Resolves once every event the server sent before this call has arrived: the pong to a
   * ping comes back on the same socket behind them. Lets a test say that something was NOT
   * sent without waiting an arbitrary time for it.
   */
  flush(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#ws.once('pong', () => resolve());
      this.#ws.ping(undefined, undefined, (error) => {
        if (error) reject(error);
      });
    });
  }

  /** Calls `listener` when the server closes the websocket (or it is closed here). */
  onClose(listener: () => void): void {
    this.#ws.on('close', listener);
  }

  close(): void {
    this.#ws.close();
  }
}

/** The answer to one REST call: status and parsed JSON body (null when empty). */
export interface RestAnswer {
  status: number;
  body: unknown;
  contentType: string | null;
}

/** A tiny ARI REST client over fetch, with HTTP Basic credentials. */
export function ariRest(baseUrl: string, user = 'dialstate', password = 'secret') {
  const auth = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  const call = async (
    method: string,
    path: string,
    query: Record<string, string | number> = {},
    body?: unknown,
  ): Promise<RestAnswer> => {
    const search = new URLSearchParams(
      Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]),
    );
    const qs = search.size > 0 ? `?${search}` : '';
    const response = await fetch(`${baseUrl}/ari${path}${qs}`, {
      method,
      headers: {
        authorization: auth,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return {
      status: response.status,
      body: text ? JSON.parse(text) : null,
      contentType: response.headers.get('content-type'),
    };
  };
  return {
    get: (path: string, query?: Record<string, string | number>) => call('GET', path, query),
    post: (path: string, query?: Record<string, string | number>, body?: unknown) =>
      call('POST', path, query, body),
    delete: (path: string, query?: Record<string, string | number>) => call('DELETE', path, query),
  };
}

export type AriRest = ReturnType<typeof ariRest>;
