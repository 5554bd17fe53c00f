/** Where an app's events go: one websocket connection. */
export interface AppSocket {
  send(frame: string): void;
}

/** An event without the per-app envelope fields (`application`, `asterisk_id`). */
export type AppMessage = { type: string; timestamp: string } & Record<string, unknown>;

/**
 * The Stasis applications connected over websockets.
 *
 * One socket per app name: a newer socket for the same name takes the app over and the
 * older one gets exactly one `ApplicationReplaced` frame, then nothing more, though it
 * stays open (fact 22). Events for an app without a socket are dropped.
 */
export interface StasisApps {
  /** Gives `apps` to `socket`, replacing whichever socket had them. */
  register(socket: AppSocket, apps: readonly string[]): void;
  /** Forgets a closed socket; its apps become unregistered. */
  unregister(socket: AppSocket): void;
  isRegistered(app: string): boolean;
  /** Names of the apps that have a socket now. */
  registered(): string[];
  /** Sends `message` to `app` with the envelope fields of fact 21 filled in. */
  deliver(app: string, message: AppMessage): void;
  /** As `deliver`, for a message already serialized (a JSON object's text). */
  deliverText(app: string, text: string): void;
}

export interface StasisAppsOptions {
  asteriskId: string;
  /** The current time as an Asterisk timestamp. */
  timestamp: () => string;
}

/** Creates the registry of connected Stasis apps. */
export function createStasisApps(options: StasisAppsOptions): StasisApps {
  return new SocketRegistry(options);
}

class SocketRegistry implements StasisApps {
  readonly #asteriskId: string;
  readonly #timestamp: () => string;
  readonly #owners = new Map<string, AppSocket>();
  readonly #envelopes = new Map<string, string>();

  constructor(options: StasisAppsOptions) {
    this.#asteriskId = options.asteriskId;
    this.#timestamp = options.timestamp;
  }

  register(socket: AppSocket, apps: readonly string[]): void {
    for (const app of apps) {
      const previous = this.#owners.get(app);
      this.#owners.set(app, socket);
      if (previous && previous !== socket) {
        previous.send(
          JSON.stringify({
            type: 'ApplicationReplaced',
            timestamp: this.#timestamp(),
            application: app,
            asterisk_id: this.#asteriskId,
          }),
        );
      }
    }
  }

  unregister(socket: AppSocket): void {
    for (const [app, owner] of this.#owners) {
      if (owner === socket) this.#owners.delete(app);
    }
  }

  isRegistered(app: string): boolean {
    return this.#owners.has(app);
  }

  registered(): string[] {
    return [...this.#owners.keys()];
  }

  deliver(app: string, message: AppMessage): void {
    if (this.#owners.has(app)) this.deliverText(app, JSON.stringify(message));
  }

  deliverText(app: string, text: string): void {
    const socket = this.#owners.get(app);
    if (!socket) return;
    // The envelope's two fields go last, after the event's own: appended to the text
    // rather than copied into a new object with the event's fields, for every event.
    socket.send(`${text.slice(0, -1)}${this.#envelope(app)}`);
  }

  /** `,"asterisk_id":…,"application":…}`, the end of every frame for `app`. */
  #envelope(app: string): string {
    let envelope = this.#envelopes.get(app);
    if (envelope === undefined) {
      envelope = `,"asterisk_id":${JSON.stringify(this.#asteriskId)},"application":${JSON.stringify(app)}}`;
      this.#envelopes.set(app, envelope);
    }
    return envelope;
  }
}
