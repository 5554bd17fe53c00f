import { createRoute, z } from '@hono/zod-openapi';
import type { Logger } from 'pino';
import type { SchedulerStatus } from '../calls/campaign-scheduler.js';
import type { Clock } from '../calls/ports.js';
import type { StorageStatus } from '../calls/storage-health.js';
import { createRouter } from './api-router.js';

/** Where the parts `/health` reports on come from. */
export interface HealthDeps {
  /** A trivial query; rejects when the database cannot answer. */
  pingDatabase(): Promise<void>;
  /** Whether database writes work, as the journal's commits found. */
  storage(): Pick<StorageStatus, 'writable' | 'failingSince'>;
  /** The ARI websocket: `since` is when it entered that state (epoch ms). */
  ari(): { state: 'connected' | 'disconnected' | 'reconnecting'; since: number | null };
  scheduler(): SchedulerStatus;
  /**
   * Several PBXs: each one's connection, hold and load. `ari` is then ok while one of
   * them is connected: a PBX down pauses only its own calls.
   */
  pbxs?(): PbxHealth[];
  /** True when the PBX is the embedded simulator. */
  simulated: boolean;
  /** Longest the database may take to answer before it counts as down (ms). */
  databaseTimeoutMs: number;
}

/** One PBX as `/health` reports it (several PBXs); never its password. */
export interface PbxHealth {
  name: string;
  url: string;
  state: 'connected' | 'disconnected' | 'reconnecting';
  since: number;
  hold: string | null;
  live: number;
  maxChannels: number;
}

const pbxHealthSchema = z
  .object({
    name: z.string(),
    ok: z.boolean().openapi({ description: 'Connected and not held: it takes calls.' }),
    url: z.string(),
    state: z.enum(['connected', 'disconnected', 'reconnecting']),
    since: z.number().int(),
    hold: z.string().nullable().openapi({
      description: 'Why claims on it are held though connected (a failed originate); null if not.',
    }),
    live: z.number().int().openapi({ description: 'Attempts live on it now.' }),
    maxChannels: z.number().int(),
  })
  .openapi('PbxHealth');

const healthSchema = z
  .object({
    status: z.enum(['ok', 'unavailable']),
    simulated: z.boolean().openapi({ description: 'The PBX is the embedded simulator.' }),
    checkedAt: z.number().int(),
    database: z.object({
      ok: z.boolean(),
      latencyMs: z.number().int().nullable(),
      writable: z.boolean().openapi({
        description:
          'False once writes have kept failing past the bound (DIALSTATE_DB_UNWRITABLE_AFTER_MS): no call is claimed until they work again.',
      }),
      writesFailingSince: z.number().int().nullable().openapi({
        description:
          'When the current run of failed writes began (epoch ms), also within the bound; null while writes work.',
      }),
    }),
    ari: z.object({
      ok: z.boolean(),
      state: z.enum(['connected', 'disconnected', 'reconnecting']),
      since: z.number().int().nullable(),
    }),
    scheduler: z.object({
      ok: z.boolean(),
      running: z.boolean(),
      lastPassAt: z.number().int().nullable(),
      lastPassFailed: z.boolean(),
    }),
    pbxs: z.array(pbxHealthSchema).optional().openapi({
      description:
        'With several PBXs (DIALSTATE_PBX_FILE, DIALSTATE_SIM_PBXS): each one; `ari` is then ok while one is connected.',
    }),
  })
  .openapi('Health');

const route = createRoute({
  method: 'get',
  path: '/health',
  tags: ['Operations'],
  summary: 'Whether the database answers and takes writes, ARI is connected and the scheduler runs',
  description:
    'No token needed, for load balancers and service managers. Which part failed is here; the error itself is in the log.',
  security: [],
  responses: {
    200: {
      description: 'Every part is healthy',
      content: { 'application/json': { schema: healthSchema } },
    },
    503: {
      description: 'Some part is not',
      content: { 'application/json': { schema: healthSchema } },
    },
  },
});

/** `GET /health`, outside `/api` and open. */
/** What `/health` reads. */
export interface HealthRoutesDeps {
  health: HealthDeps;
  clock: Clock;
  log: Logger;
}

export function healthRoutes(deps: HealthRoutesDeps) {
  const { health, clock, log } = deps;

  /** The database's answer time, or null when it did not answer in time. */
  async function databaseLatency(): Promise<number | null> {
    const started = clock.now();
    let timer: unknown;
    const deadline = new Promise<never>((_, reject) => {
      timer = clock.setTimeout(
        () => reject(new Error(`no answer within ${health.databaseTimeoutMs} ms`)),
        health.databaseTimeoutMs,
      );
    });
    try {
      await Promise.race([health.pingDatabase(), deadline]);
      return Math.max(0, clock.now() - started);
    } catch (error) {
      log.warn({ err: error }, 'health: the database does not answer');
      return null;
    } finally {
      clock.clearTimeout(timer);
    }
  }

  return createRouter().openapi(route, async (c) => {
    const latencyMs = await databaseLatency();
    const pbxs = health.pbxs?.().map((pbx) => ({
      ok: pbx.state === 'connected' && pbx.hold === null,
      ...pbx,
    }));
    const connected = pbxs?.find((pbx) => pbx.state === 'connected');
    const ari = connected ? { state: connected.state, since: connected.since } : health.ari();
    const scheduler = health.scheduler();
    const storage = health.storage();
    const parts = {
      database: {
        ok: latencyMs !== null && storage.writable,
        latencyMs,
        writable: storage.writable,
        writesFailingSince: storage.failingSince,
      },
      ari: { ok: ari.state === 'connected', ...ari },
      scheduler: { ok: scheduler.running && !scheduler.lastPassFailed, ...scheduler },
    };
    const healthy = parts.database.ok && parts.ari.ok && parts.scheduler.ok;
    const body = {
      status: healthy ? ('ok' as const) : ('unavailable' as const),
      simulated: health.simulated,
      checkedAt: clock.now(),
      ...parts,
      ...(pbxs === undefined ? {} : { pbxs }),
    };
    c.header('Cache-Control', 'no-store');
    return healthy ? c.json(body, 200) : c.json(body, 503);
  });
}
