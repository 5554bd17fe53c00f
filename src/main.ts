import { randomUUID } from 'node:crypto';
import { createAriSetupProbe } from './ari/ari-setup-probe.js';
import { type AttemptRunner, createAttemptRunner } from './calls/attempt-runner.js';
import { type CampaignScheduler, createCampaignScheduler } from './calls/campaign-scheduler.js';
import { recoverOrphanedLeads } from './calls/lead-recovery.js';
import { type AttemptJournal, systemClock } from './calls/ports.js';
import { reconcileAfterStorageOutage } from './calls/reconcile-after-storage-outage.js';
import { createStorageHealth } from './calls/storage-health.js';
import { listOptOutDigits } from './compliance/opt-out-digit.js';
import type { Config } from './config.js';
import { type CampaignControl, createCampaignControl } from './control/campaign-control.js';
import { createApp } from './http/app.js';
import { type HttpServer, listenHttp } from './http/http-server.js';
import { recoverInterruptedImports } from './intake/lead-import-recovery.js';
import { createLogger, type Logger } from './logger.js';
import { HAND_OFF_SETTLE_MS } from './machines/attempt.js';
import { createRecordingLibrary, type RecordingLibrary } from './media/recording-library.js';
import { installShippedPrompts } from './media/shipped-prompts.js';
import { campaignTargets, checkAiTarget } from './setup/ai-target-checks.js';
import { newAttemptId } from './store/journal/attempt-ids.js';
import type { RecordingRepository } from './store/recordings.js';
import { DIALSTATE_VERSION } from './version.js';
import { buildApiRouters, wireLiveFeed, wireMetrics } from './wiring/api.js';
import { openDatabaseParts } from './wiring/database.js';
import { startNodeLease } from './wiring/node-lease.js';
import { createPbxConnections, type ResolvedPbx } from './wiring/pbx-connections.js';
import { createPbxPool, type PbxStatus } from './wiring/pbx-pool.js';
import { resolvePbxs } from './wiring/resolve-pbxs.js';

/** Each ARI request of `GET /api/setup/checks` (ms). */
const SETUP_PROBE_REQUEST_TIMEOUT_MS = 3_000;
/** All of `GET /api/setup/checks` (ms): a request should not hang on a silent Asterisk. */
const SETUP_CHECKS_TIMEOUT_MS = 15_000;

/** A running dialstate process. */
export interface Dialstate {
  /** True when the PBX is the embedded simulator: no real call is ever placed. */
  readonly simulated: boolean;
  /** The ARI base URL in use (the first PBX's). */
  readonly ariUrl: string;
  /** Every enabled PBX with its connection and load. */
  pbxs(): PbxStatus[];
  /** Where the HTTP API (and web UI) listens. */
  readonly httpUrl: string;
  readonly runner: AttemptRunner;
  readonly scheduler: CampaignScheduler;
  /** The operator's actions: start, pause, stop, archive campaigns; cancel leads. */
  readonly control: CampaignControl;
  /** The recording library: uploads converted into the media folder. */
  readonly recordings: RecordingLibrary;
  /**
   * Shuts down gracefully: stops claiming leads (and waits for a claim in flight), stops
   * taking events and waits for the queued ones to be committed, then closes ARI and the
   * database. Calls still live stay open in the journal; the next start restores them.
   */
  stop(): Promise<void>;
}

/**
 * Puts the shipped consent and voicemail prompts into the library on the first start
 * (ADR 007). A media folder we cannot write costs only the prompts: dialing goes on, the
 * next start tries again, and `dialstate doctor` says what is wrong with the folder.
 */
async function installDefaultPrompts(
  recordings: RecordingRepository,
  mediaDir: string,
  log: Logger,
): Promise<void> {
  try {
    const report = await installShippedPrompts({ recordings, mediaDir, clock: systemClock });
    if (report.installed.length > 0 || report.restored.length > 0) {
      log.info({ ...report, mediaDir }, 'default prompts installed');
    }
  } catch (error) {
    log.warn({ err: error, mediaDir }, 'could not install the default prompts');
  }
}

/** Seams for fault tests; `dialstate serve` passes none. */
export interface StartSeams {
  /** Wraps the journal the attempt runner commits through, e.g. to make commits fail. */
  wrapJournal?: (journal: AttemptJournal) => AttemptJournal;
}

/**
 * The composition root: opens and migrates the database, connects to Asterisk (or starts
 * the embedded simulator when no ARI URL is configured), builds the engine, and takes
 * charge of the attempts a previous run left open — before anything new is dialed,
 * each is restored and squared with the channels Asterisk still has, and leads left
 * dialing without a live attempt go back per their retry policy — then starts the
 * campaign scheduler.
 */
export async function startDialstate(
  config: Config,
  log?: Logger,
  seams: StartSeams = {},
): Promise<Dialstate> {
  const logger = log ?? createLogger(config.logLevel);
  const database = await openDatabaseParts(config.db, logger.child({ component: 'database' }));
  logger.info(
    { db: database.location, dialect: database.dialect, migrations: database.applied },
    'database ready',
  );

  // Lead imports a previous run left half way: those still reading their file have no
  // lead written and are marked failed; those merging are finished in the background.
  await recoverInterruptedImports({
    imports: database.leadImports,
    clock: systemClock,
    log: logger,
  });
  const importMerges = database.resumeImportMerges({
    log: logger.child({ component: 'lead-import' }),
    now: () => systemClock.now(),
  });

  const resolved = await resolvePbxs(config, logger);
  const pbx = resolved[0] as ResolvedPbx;
  const simulated = resolved.every((each) => each.sim !== null);
  if (simulated) {
    logger.warn(
      { ariUrl: pbx.url, pbxs: resolved.length },
      'EMBEDDED SIMULATED ASTERISK: no real calls are placed; set DIALSTATE_ARI_URL for a real PBX',
    );
  }
  const connections = createPbxConnections({
    pbxs: resolved,
    dialContext: config.dial.context,
    amdContext: config.dial.amdContext,
    clock: systemClock,
    log: logger,
  });
  const gateway = connections.first;
  try {
    await connections.connect();
  } catch (error) {
    await connections.close();
    await database.close();
    throw error;
  }

  const { journal } = database;
  const storage = createStorageHealth({
    clock: systemClock,
    log: logger.child({ component: 'storage' }),
    unwritableAfterMs: config.db.unwritableAfterMs,
  });
  const runner = createAttemptRunner({
    journal: seams.wrapJournal?.(journal) ?? journal,
    callControl: gateway.callControl,
    // Several PBXs: each attempt's commands go to the PBX it lives on.
    ...(connections.several ? { callControlFor: connections.callControlFor } : {}),
    clock: systemClock,
    log: logger,
    storage,
  });
  const identity = {
    stasisApp: config.ari.app,
    outboundIdentity: config.dial.outboundIdentity,
    defaultDialString: config.dial.dialString,
    aavaHandoffContext: config.dial.aavaHandoffContext,
    hopWaitMs: config.dial.hopWaitMs,
    handOffSettleMs:
      config.dial.handOffSettleMs ??
      // The simulator's far ends talk in scaled time: so must the settle time, or a
      // sped-up agent would hang up inside it.
      (simulated ? Math.round(HAND_OFF_SETTLE_MS * config.simTimeScale) : HAND_OFF_SETTLE_MS),
  };
  const pool = createPbxPool({
    connections,
    identity,
    runner,
    journal,
    clock: systemClock,
    log: logger,
  });
  // One PBX: as it always was. Several: the scheduler asks the pool for each call.
  const ariConnected = connections.several
    ? () => pool.loads().some((load) => load.unavailable === null)
    : pool.firstConnected;
  // Before any attempt is resumed: the counters see every transition of this run.
  const abandonment = database.abandonment(config.abandonThresholdMs);
  const metrics = wireMetrics({
    database,
    abandonThresholdMs: config.abandonThresholdMs,
    runner,
    clock: systemClock,
    ariConnected,
    ...(connections.several ? { pbxs: () => pool.status() } : {}),
    storage: storage.status,
    log: logger,
    processMetrics: true,
  });
  // Before any attempt is resumed, like the metrics: an opt-out at a resumed call counts.
  const stopOptOutDigits = listOptOutDigits({
    runner,
    store: database.optOuts,
    clock: systemClock,
    log: logger.child({ component: 'opt-out' }),
  });
  const { reconciler } = pool;
  pool.route();
  // Interrupted attempts have moved their leads on; a lead still dialing has none live.
  const recoverLeads = () =>
    recoverOrphanedLeads({
      store: database.leadRecovery,
      clock: systemClock,
      log: logger,
    });
  // Nodes sharing one database: the open attempts of dead nodes become this node's.
  const nodeLease = await startNodeLease({
    leases: database.nodeLeases,
    journal,
    runner,
    reconciler,
    adoptApps: (attempts) => pool.adoptAppsOf(attempts),
    recoverLeads,
    leaseMs: config.db.nodeLeaseMs,
    clock: systemClock,
    log: logger,
  });
  const open = await runner.resumeOpenAttempts();
  // Attempts taken over at start (or left by a SQLite node before a copy to PostgreSQL)
  // may live on another node's app: hear it before squaring them.
  await pool.adoptAppsOf(open);
  const report = await reconciler.reconcile();
  runner.resumeTimers();
  logger.info(
    { resumed: open.length, interrupted: report.lost.length },
    'open attempts restored and reconciled',
  );
  await recoverLeads();

  const { recordings } = database;
  await installDefaultPrompts(recordings, config.mediaDir, logger);
  const library = createRecordingLibrary({
    recordings,
    mediaDir: config.mediaDir,
    clock: systemClock,
    newId: randomUUID,
  });
  const scheduler = createCampaignScheduler({
    store: database.dialing,
    runner,
    clock: systemClock,
    log: logger.child({ component: 'scheduler' }),
    maxChannels: config.maxChannels,
    circuitBreakerThreshold: config.circuitBreakerFailures,
    compliance: config.compliance,
    identity,
    async findMedia(recordingId) {
      const recording = await recordings.get(recordingId);
      return recording && { uri: recording.mediaUri, durationMs: recording.durationMs };
    },
    ariConnected,
    storageWritable: storage.isWritable,
    pbxHold: pool.firstHold,
    ...(connections.several ? { pbxs: pool } : {}),
    // Time-ordered: each attempt's keys go at the end of their indexes (ADR 031).
    newAttemptId: () => newAttemptId(),
    abandonment,
  });
  const stopStorageRecovery = reconcileAfterStorageOutage({
    storage,
    reconciler,
    recoverLeads,
    resume: () => void scheduler.tick(),
    log: logger,
  });
  scheduler.start();
  // A 5xx or unanswered originate holds claiming on its PBX until it answers a ping
  // again; a PBX back (connected, or its hold lifted) brings a pass at once.
  pool.onReady(() => void scheduler.tick());
  // The simulator too: it answers the same ARI questions, so the checks run end to end.
  const setupProbe = createAriSetupProbe({
    url: pbx.url,
    user: pbx.config.user,
    password: pbx.password,
    clock: systemClock,
    timeoutMs: SETUP_PROBE_REQUEST_TIMEOUT_MS,
  });
  // Campaigns deleted before the last stop are removed first, then each after its delete.
  const campaignPurge = database.startCampaignPurger({
    log: logger.child({ component: 'campaign-purge' }),
  });
  const control = createCampaignControl({
    store: database.campaignControl,
    purge: campaignPurge,
    scheduler,
    runner,
    clock: systemClock,
    log: logger,
    defaultDialString: config.dial.dialString,
    aavaHandoffContext: config.dial.aavaHandoffContext,
    ...(connections.several ? { pbxNames: resolved.map((each) => each.config.name) } : {}),
    checkTarget: (target) => checkAiTarget(setupProbe, target),
  });

  const live = wireLiveFeed({ database, runner, clock: systemClock, log: logger });
  const api = buildApiRouters({
    database,
    abandonThresholdMs: config.abandonThresholdMs,
    control,
    scheduler,
    live,
    recordings: library,
    setup: {
      app: config.ari.app,
      amdContext: config.dial.amdContext,
      dialContext: config.dial.context,
      outboundIdentity: config.dial.outboundIdentity,
      mediaDir: config.mediaDir,
      aavaHandoffContext: config.dial.aavaHandoffContext,
      simulated,
      probe: setupProbe,
      // Several PBXs: the checks run against each one.
      ...(connections.several
        ? {
            pbxs: resolved.map((each) => ({
              name: each.config.name,
              app: each.config.app,
              probe:
                each === pbx
                  ? setupProbe
                  : createAriSetupProbe({
                      url: each.url,
                      user: each.config.user,
                      password: each.password,
                      clock: systemClock,
                      timeoutMs: SETUP_PROBE_REQUEST_TIMEOUT_MS,
                    }),
            })),
          }
        : {}),
      listTargets: async () =>
        campaignTargets(await database.campaigns.list(), config.dial.aavaHandoffContext),
      checksTimeoutMs: SETUP_CHECKS_TIMEOUT_MS,
    },
    ariStatus: () => {
      const first = pool.status()[0] as PbxStatus;
      return { state: first.state, since: first.since };
    },
    ...(connections.several ? { pbxStatus: () => pool.status() } : {}),
    storage: storage.status,
    metrics,
    clock: systemClock,
    log: logger,
  });
  const app = createApp(api.routers, {
    apiToken: config.http.apiToken,
    version: DIALSTATE_VERSION,
  });
  // Claims stop first; queued events are committed before ARI and the database close.
  async function stopEngine(): Promise<void> {
    live.stop();
    metrics.stop();
    stopOptOutDigits();
    stopStorageRecovery();
    await campaignPurge.stop();
    await importMerges.stop();
    await scheduler.stop();
    // Before the runner and the PBXs: a heartbeat squaring attempts taken over needs them.
    await nodeLease?.stop();
    pool.stop();
    await runner.stop();
    storage.stop();
    await connections.close();
    await database.close();
  }
  let http: HttpServer;
  try {
    http = await listenHttp(app, { host: config.http.host, port: config.http.port });
  } catch (error) {
    await stopEngine();
    throw new Error(
      `could not listen on ${config.http.host}:${config.http.port} (DIALSTATE_HTTP_HOST/PORT)`,
      { cause: error },
    );
  }
  logger.info({ url: http.url, auth: config.http.apiToken !== null }, 'HTTP API listening');

  return {
    simulated,
    ariUrl: pbx.url,
    pbxs: () => pool.status(),
    httpUrl: http.url,
    runner,
    scheduler,
    control,
    recordings: library,
    async stop() {
      logger.info('shutting down');
      await http.close();
      await stopEngine();
    },
  };
}
