import type { Logger } from 'pino';
import type { AriConnectionStatus } from '../ari/ari-event-stream.js';
import type { DialIdentity } from '../calls/attempt-input.js';
import type { AttemptRunner } from '../calls/attempt-runner.js';
import {
  type ChannelReconciler,
  createChannelReconciler,
  type ReconcileReport,
} from '../calls/channel-reconciler.js';
import { createEventRouter, type EventRouter } from '../calls/event-router.js';
import {
  createOriginateHealthHold,
  type OriginateHealthHold,
} from '../calls/originate-health-hold.js';
import type { AttemptJournal, Clock, PbxRoster, StoredAttempt } from '../calls/ports.js';
import type { PbxLoad } from '../campaign/pbx-choice.js';
import type { PbxConnections, PbxLink } from './pbx-connections.js';

/** A PBX as `/health`, `/metrics` and the UI show it; never its password. */
export interface PbxStatus {
  name: string;
  url: string;
  simulated: boolean;
  state: AriConnectionStatus['state'];
  /** Epoch ms of the latest change of `state`. */
  since: number;
  /** Why claims are held on it though connected (a failed originate); null if not. */
  hold: string | null;
  live: number;
  maxChannels: number;
}

/** Every enabled PBX with the engine: health, load, reconciliation (ADR 028). */
export interface PbxPool extends PbxRoster {
  /** Squares every live attempt with its own PBX (those connected); one report for all. */
  readonly reconciler: ChannelReconciler;
  /** Routes each PBX's events and connection losses to its own attempts. */
  route(): void;
  status(): PbxStatus[];
  /** Whether the first PBX is connected (one PBX: the scheduler's `ariConnected`). */
  firstConnected(): boolean;
  /** Why the first PBX is held (one PBX: the scheduler's `pbxHold`). */
  firstHold(): string | null;
  /** Called when a PBX can take calls again: connected, or its hold lifted. */
  onReady(listener: () => void): void;
  /**
   * Makes this node hear the events of attempts another node placed (taken over after
   * it died): each attempt's Stasis app (its `DIALSTATE_STASIS_APP`, where the AMD hop
   * returns it too) is adopted on its PBX when it is not this node's. Before they are
   * reconciled, so that no event falls between the reconciliation and the adoption.
   * A PBX that cannot be reached is logged: its calls are squared when it is back.
   */
  adoptAppsOf(attempts: readonly StoredAttempt[]): Promise<void>;
  /** Stops holds, retries and event routing: first, while the engine stops. */
  stop(): void;
}

interface Member {
  link: PbxLink;
  hold: OriginateHealthHold;
  reconciler: ChannelReconciler;
  router: EventRouter | null;
}

/**
 * Creates the pool over connected PBXs. An attempt lives on the PBX its input names (the
 * first when none): only that PBX's events, connection losses and reconciliations reach
 * it, and its holds count its originates. One whose PBX is not enabled (any more) has
 * no channel anywhere we can reach, and is reconciled as lost.
 */
export function createPbxPool(deps: {
  connections: PbxConnections;
  identity: DialIdentity;
  runner: AttemptRunner;
  journal: Pick<AttemptJournal, 'loadAttempt' | 'loadEntries'>;
  clock: Clock;
  log: Logger;
}): PbxPool {
  const { connections, runner, clock, log } = deps;
  const { links } = connections;
  const { several } = connections;
  const firstName = (links[0] as PbxLink).pbx.config.name;
  const readyListeners: (() => void)[] = [];
  const ready = () => {
    for (const listener of readyListeners) listener();
  };

  /** The PBX an attempt lives on: the one its input names, else the first. */
  const pbxNameOf = (attemptId: string) => runner.pbxOf(attemptId) ?? firstName;
  const enabled = new Set(links.map((link) => link.pbx.config.name));
  const ownerOf = (name: string) =>
    several ? { owns: (attemptId: string) => pbxNameOf(attemptId) === name } : {};

  const members: Member[] = links.map((link) => {
    const name = link.pbx.config.name;
    const pbxLog = several ? log.child({ pbx: name }) : log;
    const { gateway } = link;
    const member: Member = {
      link,
      router: null,
      // A 5xx or unanswered originate holds claiming on this PBX until it answers a ping.
      hold: createOriginateHealthHold({
        clock,
        log: pbxLog.child({ component: 'scheduler' }),
        probe: () => gateway.ping(),
        onRelease: ready,
      }),
      reconciler: createChannelReconciler({
        runner,
        channels: gateway,
        journal: deps.journal,
        playbacks: gateway,
        verdicts: gateway,
        clock,
        log: pbxLog,
        ...ownerOf(name),
      }),
    };
    gateway.onConnection((status) => {
      if (status.state !== 'connected') return;
      // Back from a lost connection: a hold after a failed originate is lifted once
      // ARI answers a ping, tried at once; dialing resumes at once too.
      member.hold.probeNow();
      ready();
    });
    link.onLate = () => {
      member.reconciler
        .reconcile()
        .then((report) => log.info({ pbx: name, ...report }, 'attempts squared with the PBX'))
        .catch((error: unknown) => log.error({ err: error, pbx: name }, 'could not reconcile'))
        .finally(ready);
    };
    runner.onTransition((transition) => {
      if ((transition.pbx ?? firstName) === name) member.hold.observe(transition);
    });
    return member;
  });

  // Attempts on a PBX that is not enabled (any more) have no channel we can reach.
  const strays = createChannelReconciler({
    runner,
    channels: { listChannels: async () => [] },
    clock,
    log,
    owns: (attemptId) => !enabled.has(pbxNameOf(attemptId)),
  });

  function liveOn(name: string): number {
    let live = 0;
    for (const attemptId of runner.liveAttemptIds()) if (pbxNameOf(attemptId) === name) live += 1;
    return live;
  }

  return {
    reconciler: {
      async reconcile() {
        const reports: ReconcileReport[] = [await strays.reconcile()];
        for (const member of members) {
          // A PBX not connected is squared once it is (onLate, or its reconnect).
          if (several && member.link.state !== 'connected') continue;
          reports.push(await member.reconciler.reconcile());
        }
        return {
          checked: reports.reduce((sum, report) => sum + report.checked, 0),
          lost: reports.flatMap((report) => report.lost),
          playbacksEnded: reports.flatMap((report) => report.playbacksEnded),
          verdictsRebuilt: reports.flatMap((report) => report.verdictsRebuilt),
        };
      },
    },
    route() {
      for (const member of members) {
        const name = member.link.pbx.config.name;
        member.router = createEventRouter({
          source: member.link.gateway,
          runner,
          reconciler: member.reconciler,
          log: several ? log.child({ pbx: name }) : log,
          ...ownerOf(name),
        });
      }
    },
    loads(): PbxLoad[] {
      return members.map(({ link, hold }) => ({
        name: link.pbx.config.name,
        maxChannels: link.pbx.config.maxChannels,
        live: liveOn(link.pbx.config.name),
        unavailable:
          link.state !== 'connected' ? `not connected to its ARI (${link.state})` : hold.reason(),
      }));
    },
    identityOf(name) {
      const pbx = links.find((link) => link.pbx.config.name === name)?.pbx.config;
      return {
        ...deps.identity,
        stasisApp: pbx?.app ?? deps.identity.stasisApp,
        defaultDialString: pbx?.dialString ?? deps.identity.defaultDialString,
      };
    },
    status() {
      return members.map(({ link, hold }) => ({
        name: link.pbx.config.name,
        url: link.pbx.url,
        simulated: link.pbx.sim !== null,
        state: link.state,
        since: link.since,
        hold: hold.reason(),
        live: liveOn(link.pbx.config.name),
        maxChannels: link.pbx.config.maxChannels,
      }));
    },
    firstConnected: () => links[0]?.state === 'connected',
    firstHold: () => members[0]?.hold.reason() ?? null,
    onReady(listener) {
      readyListeners.push(listener);
    },
    async adoptAppsOf(attempts) {
      const wanted = new Map<string, { link: PbxLink; app: string }>();
      for (const attempt of attempts) {
        const app = attempt.input.originateVariables.DIALSTATE_STASIS_APP;
        const name = attempt.input.pbx ?? firstName;
        const link = links.find((each) => each.pbx.config.name === name);
        if (app === undefined || link === undefined || app === link.pbx.config.app) continue;
        wanted.set(`${name}\n${app}`, { link, app });
      }
      await Promise.all(
        [...wanted.values()].map(({ link, app }) =>
          link.gateway
            .adoptApp(app)
            .catch((error: unknown) =>
              log.error(
                { err: error, app, pbx: link.pbx.config.name },
                "could not adopt a dead node's app; its calls are squared at the PBX's reconnect",
              ),
            ),
        ),
      );
    },
    stop() {
      for (const member of members) {
        member.hold.stop();
        member.router?.stop();
        member.link.onLate = null;
      }
    },
  };
}
