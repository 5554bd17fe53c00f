import { type CallControl, CallControlError } from '../../src/calls/ports.js';
import type { AttemptCommand } from '../../src/machines/attempt-types.js';

/**
 * A CallControl that records every command it receives and succeeds, unless told to
 * fail the next command of a type.
 */
export class FakeCallControl implements CallControl {
  readonly received: AttemptCommand[] = [];
  readonly #failures = new Map<AttemptCommand['type'], { status: number; message: string }[]>();

  /** Makes the next command of this type fail as ARI would, with an HTTP status. */
  failNext(type: AttemptCommand['type'], status: number, message: string): void {
    const queue = this.#failures.get(type) ?? [];
    queue.push({ status, message });
    this.#failures.set(type, queue);
  }

  /** The types of the commands received for one channel, in order. */
  typesFor(channelId: string): string[] {
    return this.received
      .filter((c) => !('channelId' in c.params) || c.params.channelId === channelId)
      .map((c) => c.type);
  }

  count(type: AttemptCommand['type']): number {
    return this.received.filter((c) => c.type === type).length;
  }

  originate = (params: Extract<AttemptCommand, { type: 'originate' }>['params']) =>
    this.#record({ type: 'originate', params });
  continueToAmd = (params: Extract<AttemptCommand, { type: 'continueToAmd' }>['params']) =>
    this.#record({ type: 'continueToAmd', params });
  play = (params: Extract<AttemptCommand, { type: 'play' }>['params']) =>
    this.#record({ type: 'play', params });
  stopPlayback = (params: Extract<AttemptCommand, { type: 'stopPlayback' }>['params']) =>
    this.#record({ type: 'stopPlayback', params });
  detectGreetingEnd = (params: Extract<AttemptCommand, { type: 'detectGreetingEnd' }>['params']) =>
    this.#record({ type: 'detectGreetingEnd', params });
  handOff = (params: Extract<AttemptCommand, { type: 'handOff' }>['params']) =>
    this.#record({ type: 'handOff', params });
  hangUp = (params: Extract<AttemptCommand, { type: 'hangUp' }>['params']) =>
    this.#record({ type: 'hangUp', params });

  async #record(command: AttemptCommand): Promise<void> {
    this.received.push(command);
    const failure = this.#failures.get(command.type)?.shift();
    if (failure) throw new CallControlError(failure.message, { status: failure.status });
  }
}
