import type { Client } from 'ari-client';
import { describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import { AriConnectionError, AriRequestError } from '../../src/ari/ari-errors.js';
import { createAriRest } from '../../src/ari/ari-rest.js';
import { SHUTTING_DOWN_PAGE } from '../../src/sim/sim-http.js';

type Callback = (response: { status?: number; data?: string }) => void;

/**
 * The swagger API ari-client 2.2 loads onto its client (lib/client.js `_attachApi`):
 * one function per operation taking (args, onSuccess, onError).
 */
function clientWith(
  originate: (args: Record<string, unknown>, ok: Callback, fail: Callback) => void,
): Client {
  return {
    _swagger: {
      apis: {
        channels: {
          originate,
          operations: {
            originate: {
              parameters: [
                { name: 'endpoint', paramType: 'query' },
                { name: 'variables', paramType: 'body' },
              ],
            },
          },
        },
      },
    },
  } as unknown as Client;
}

describe('createAriRest', () => {
  it('sends body parameters as a JSON body and drops absent values, as ari-client does', async () => {
    const sent: Record<string, unknown>[] = [];
    const rest = createAriRest(
      clientWith((args, ok) => {
        sent.push(args);
        ok({ status: 200, data: '{"id":"dialstate-a"}' });
      }),
      { clock: new SimulatedClock() },
    );
    const answer = await rest.call('channels', 'originate', {
      endpoint: 'Local/1@x',
      callerId: undefined,
      label: null,
      variables: { AMPUSER: '6789' },
    });
    expect(answer).toEqual({ id: 'dialstate-a' });
    expect(sent).toEqual([{ endpoint: 'Local/1@x', body: '{"variables":{"AMPUSER":"6789"}}' }]);
  });

  it('keeps a 503 HTML page as its status and first line, never the page', async () => {
    const rest = createAriRest(
      clientWith((_args, _ok, fail) => fail({ status: 503, data: SHUTTING_DOWN_PAGE })),
      { clock: new SimulatedClock() },
    );
    const error = await rest.call('channels', 'originate', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AriRequestError);
    expect(error).toMatchObject({ status: 503, detail: '503 Service Unavailable' });
    expect((error as Error).message).toBe(
      'ARI channels.originate failed (HTTP 503): 503 Service Unavailable',
    );
  });

  it('keeps the status and ARI’s message of a refusal, which ari-client itself drops', async () => {
    const rest = createAriRest(
      clientWith((_args, _ok, fail) =>
        fail({ status: 409, data: '{"message":"Channel with given unique ID already exists"}' }),
      ),
      { clock: new SimulatedClock() },
    );
    await expect(rest.call('channels', 'originate', {})).rejects.toMatchObject({
      name: 'AriRequestError',
      status: 409,
      operation: 'channels.originate',
      detail: 'Channel with given unique ID already exists',
    });
  });

  it('gives up on a request that never gets an answer', async () => {
    const clock = new SimulatedClock();
    // swagger-client drops a refused connection without calling either callback.
    const rest = createAriRest(
      clientWith(() => {}),
      { clock, timeoutMs: 2_000 },
    );
    const pending = rest.call('channels', 'originate', {});
    clock.increment(2_000);
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AriRequestError);
    expect(error).toMatchObject({ status: undefined, detail: 'no answer within 2000 ms' });
  });

  it('rejects an operation the api-docs do not have, and a client without api-docs', async () => {
    const rest = createAriRest(
      clientWith(() => {}),
      { clock: new SimulatedClock() },
    );
    await expect(rest.call('channels', 'teleport')).rejects.toMatchObject({
      detail: 'no such operation in the api-docs',
    });
    expect(() => createAriRest({} as Client, { clock: new SimulatedClock() })).toThrow(
      AriConnectionError,
    );
  });
});
