import type { Logger } from 'pino';
import type { AriConnectionStatus } from '../ari/ari-event-stream.js';
import { type AriGateway, createAriGateway } from '../ari/ari-gateway.js';
import { type CallControl, CallControlError, type Clock } from '../calls/ports.js';
import type { PbxConfig } from '../pbx-config.js';
import type { Simulator } from '../sim/simulator.js';

/** Pause before a PBX that could not be reached at start is tried again (ms). */
const RECONNECT_PAUSE_MS = 2_000;

/** One enabled PBX with the simulator started for it, if it is embedded. */
export interface ResolvedPbx {
  config: PbxConfig;
  /** The URL in use: the configured one, or the simulator's. */
  url: string;
  password: string;
  sim: Simulator | null;
}

/** The enabled PBXs' gateways and connections, before the engine exists. */
export interface PbxConnections {
  readonly pbxs: readonly ResolvedPbx[];
  /** Whether there are several PBXs: attempts then name theirs. */
  readonly several: boolean;
  /** Each enabled PBX's connection, in the configured order (the first is the default). */
  readonly links: readonly PbxLink[];
  /** The gateway of the first PBX: the one attempts that name no PBX live on. */
  readonly first: AriGateway;
  /**
   * Connects. One PBX: fails when it cannot be reached, as the single gateway always
   * did. Several: fails only when none can be reached; the others are retried in the
   * background (and squared with their attempts by the pool once connected).
   */
  connect(): Promise<void>;
  /** The call control of the PBX an attempt lives on (the first when it names none). */
  callControlFor(attempt: { input: { pbx?: string } }): CallControl;
  /** Closes every connection and stops every simulator: last, once the engine stopped. */
  close(): Promise<void>;
}

/**
 * One PBX's connection as the pool reads it: its gateway, its connection state as last
 * reported (and since when), and who to tell once a PBX unreachable at start is
 * connected (the pool squares its attempts then).
 */
export interface PbxLink {
  readonly pbx: ResolvedPbx;
  readonly gateway: AriGateway;
  readonly state: AriConnectionStatus['state'];
  readonly since: number;
  onLate: (() => void) | null;
}

interface Link extends PbxLink {
  state: AriConnectionStatus['state'];
  since: number;
}

/** Creates a gateway per enabled PBX; nothing is opened before `connect()`. */
export function createPbxConnections(deps: {
  pbxs: readonly ResolvedPbx[];
  dialContext: string;
  amdContext: string;
  clock: Clock;
  log: Logger;
}): PbxConnections {
  const { clock, log } = deps;
  if (deps.pbxs.length === 0) throw new Error('no PBX is enabled');
  const several = deps.pbxs.length > 1;
  let closed = false;
  let retryTimer: unknown = null;
  const links: Link[] = deps.pbxs.map((pbx) => {
    const link: Link = {
      pbx,
      gateway: createAriGateway({
        url: pbx.url,
        user: pbx.config.user,
        password: pbx.password,
        app: pbx.config.app,
        dialContext: deps.dialContext,
        amdContext: deps.amdContext,
        clock,
        log: (several ? log.child({ pbx: pbx.config.name }) : log).child({ component: 'ari' }),
      }),
      state: 'disconnected',
      since: clock.now(),
      onLate: null,
    };
    link.gateway.onConnection((status) => {
      link.state = status.state;
      link.since = status.at;
    });
    return link;
  });
  const first = links[0] as Link;

  async function connectOne(link: Link): Promise<void> {
    await link.gateway.connect();
    // Connected since connect() resolved; the gateway reports every change after that.
    link.state = 'connected';
    link.since = clock.now();
  }

  /** Retries the PBXs that could not be reached, until each is, or the pool closes. */
  function retryLater(pending: Link[]): void {
    if (closed || pending.length === 0) return;
    retryTimer = clock.setTimeout(async () => {
      retryTimer = null;
      const still: Link[] = [];
      for (const link of pending) {
        try {
          await connectOne(link);
          log.info({ pbx: link.pbx.config.name }, 'PBX unreachable at start is connected');
          link.onLate?.();
        } catch (error) {
          if (closed) return;
          log.warn({ err: error, pbx: link.pbx.config.name }, 'PBX still unreachable');
          still.push(link);
        }
      }
      retryLater(still);
    }, RECONNECT_PAUSE_MS);
  }

  function refused(name: string): CallControl {
    const refuse = () =>
      Promise.reject(new CallControlError(`the PBX ${name} is not configured or not enabled`));
    return {
      originate: refuse,
      continueToAmd: refuse,
      play: refuse,
      stopPlayback: refuse,
      detectGreetingEnd: refuse,
      handOff: refuse,
      hangUp: refuse,
    };
  }

  const connections: PbxConnections = {
    pbxs: deps.pbxs,
    links,
    several,
    first: first.gateway,
    async connect() {
      if (!several) {
        await connectOne(first);
        return;
      }
      const results = await Promise.allSettled(links.map(connectOne));
      const failed = links.filter((_, i) => results[i]?.status === 'rejected');
      if (failed.length === links.length) {
        const result = results[0];
        throw result?.status === 'rejected' ? result.reason : new Error('no PBX could be reached');
      }
      for (const link of failed) {
        const result = results[links.indexOf(link)];
        log.warn(
          {
            pbx: link.pbx.config.name,
            err: result?.status === 'rejected' ? result.reason : undefined,
          },
          'PBX unreachable at start; dialing on the others and retrying it',
        );
      }
      retryLater(failed);
    },
    callControlFor(attempt) {
      const name = attempt.input.pbx ?? first.pbx.config.name;
      return links.find((l) => l.pbx.config.name === name)?.gateway.callControl ?? refused(name);
    },
    async close() {
      closed = true;
      if (retryTimer !== null) clock.clearTimeout(retryTimer);
      for (const link of links) await link.gateway.close();
      for (const pbx of deps.pbxs) await pbx.sim?.stop();
    },
  };
  return connections;
}
