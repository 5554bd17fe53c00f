import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import type { AriConnectionStatus } from './ari/ari-event-stream.js';
import { createAriGateway } from './ari/ari-gateway.js';
import { createAriSetupProbe } from './ari/ari-setup-probe.js';
import { type AttemptRunner, createAttemptRunner } from './calls/attempt-runner.js';
import { type CampaignScheduler, createCampaignScheduler } from './calls/campaign-scheduler.js';
import { createChannelReconciler } from './calls/channel-reconciler.js';
import { createEventRouter } from './calls/event-router.js';
import { recoverOrphanedLeads } from './calls/lead-recovery.js';
import { createOriginateHealthHold } from './calls/originate-health-hold.js';
import { type AttemptJournal, systemClock } from './calls/ports.js';
import { reconcileAfterStorageOutage } from './calls/reconcile-after-storage-outage.js';
import { createStorageHealth } from './calls/storage-health.js';
import { CAMPAIGN_DEFAULTS } from './campaign/campaign-defaults.js';
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
import { createSimulator, type Simulator } from './sim/simulator.js';
import { startCampaignPurger } from './store/campaign-purge.js';
import { resumeImportMerges } from './store/lead-import-resume.js';
import type { RecordingRepository } from './store/recordings.js';
import { DIALSTATE_VERSION } from './version.js';
import { buildApiRouters, wireLiveFeed, wireMetrics } from './wiring/api.js';
import { openDatabaseParts } from './wiring/database.js';

/** Each ARI request of `GET /api/setup/checks` (ms). */
const SETUP_PROBE_REQUEST_TIMEOUT_MS = 3_000;
/** All of `GET /api/setup/checks` (ms): a request should not hang on a silent Asterisk. */
const SETUP_CHECKS_TIMEOUT_MS = 15_000;

/** A running dialstate process. */
export interface Dialstate {
  /** True when the PBX is the embedded simulator: no real call is ever placed. */
  readonly simulated: boolean;
  /** The ARI base URL in use. */
  readonly ariUrl: string;
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

/** Where the PBX is: the configured Asterisk, or a simulator started for this process. */
async function resolvePbx(config: Config, log: Logger) {
  if (config.ari.url !== null) {
    return { url: config.ari.url, user: config.ari.user, password: config.ari.password, sim: null };
  }
  // A fresh secret per run: the simulator listens on loopback and only we talk to it.
  const password = randomBytes(16).toString('hex');
  await mkdir(config.mediaDir, { recursive: true });
  const sim: Simulator = createSimulator({
    user: config.ari.user,
    password,
    timeScale: config.simTimeScale,
    mediaDir: config.mediaDir,
    dialContexts: [config.dial.context],
    amdContext: config.dial.amdContext,
    // The stand-in AAVA answers this server's hand-off context (the demo campaign's target).
    aava: { contexts: [config.dial.aavaHandoffContext] },
    // The stand-in AI agent answers a new campaign's default hand-off context too, so
    // that a campaign made with the defaults completes its calls against the simulator.
    aiContexts: [
      'ai-agent',
      ...(CAMPAIGN_DEFAULTS.aiTarget.kind === 'dialplan'
        ? [CAMPAIGN_DEFAULTS.aiTarget.context]
        : []),
    ],
    log: log.child({ component: 'sim' }),
  });
  const { url } = await sim.start();
  return { url, user: config.ari.user, password, sim };
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
  const database = await openDatabaseParts(config.db);
  logger.info({ db: config.db.path, migrations: database.applied }, 'database ready');

  // Lead imports a previous run left half way: those still reading their file have no
  // lead written and are marked failed; those merging are finished in the background.
  await recoverInterruptedImports({
    imports: database.leadImports,
    clock: systemClock,
    log: logger,
  });
  const importMerges = resumeImportMerges({
    store: database.store,
    log: logger.child({ component: 'lead-import' }),
    now: () => systemClock.now(),
  });

  const pbx = await resolvePbx(config, logger);
  if (pbx.sim) {
    logger.warn(
      { ariUrl: pbx.url },
      'EMBEDDED SIMULATED ASTERISK: no real calls are placed; set DIALSTATE_ARI_URL for a real PBX',
    );
  }
  const gateway = createAriGateway({
    url: pbx.url,
    user: pbx.user,
    password: pbx.password,
    app: config.ari.app,
    dialContext: config.dial.context,
    amdContext: config.dial.amdContext,
    clock: systemClock,
    log: logger.child({ component: 'ari' }),
  });
  try {
    await gateway.connect();
  } catch (error) {
    await pbx.sim?.stop();
    await database.close();
    throw error;
  }
  // Connected since connect() resolved; the gateway reports every change after that.
  let ari: { state: AriConnectionStatus['state']; since: number } = {
    state: 'connected',
    since: systemClock.now(),
  };
  gateway.onConnection((status) => {
    ari = { state: status.state, since: status.at };
  });
  const ariConnected = () => ari.state === 'connected';

  const { journal } = database;
  const storage = createStorageHealth({
    clock: systemClock,
    log: logger.child({ component: 'storage' }),
    unwritableAfterMs: config.db.unwritableAfterMs,
  });
  const runner = createAttemptRunner({
    journal: seams.wrapJournal?.(journal) ?? journal,
    callControl: gateway.callControl,
    clock: systemClock,
    log: logger,
    storage,
  });
  // Before any attempt is resumed: the counters see every transition of this run.
  const abandonment = database.abandonment(config.abandonThresholdMs);
  const metrics = wireMetrics({
    database,
    abandonThresholdMs: config.abandonThresholdMs,
    runner,
    clock: systemClock,
    ariConnected,
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
  const reconciler = createChannelReconciler({
    runner,
    channels: gateway,
    journal,
    playbacks: gateway,
    clock: systemClock,
    log: logger,
  });
  const router = createEventRouter({ source: gateway, runner, reconciler, log: logger });
  const open = await runner.resumeOpenAttempts();
  const report = await reconciler.reconcile();
  runner.resumeTimers();
  logger.info(
    { resumed: open.length, interrupted: report.lost.length },
    'open attempts restored and reconciled',
  );
  // Interrupted attempts have moved their leads on; a lead still dialing has none live.
  const recoverLeads = () =>
    recoverOrphanedLeads({
      store: database.leadRecovery,
      clock: systemClock,
      log: logger,
    });
  await recoverLeads();

  const { recordings } = database;
  await installDefaultPrompts(recordings, config.mediaDir, logger);
  const library = createRecordingLibrary({
    recordings,
    mediaDir: config.mediaDir,
    clock: systemClock,
    newId: randomUUID,
  });
  // A 5xx or unanswered originate holds claiming until ARI answers a ping again.
  const originateHold = createOriginateHealthHold({
    clock: systemClock,
    log: logger.child({ component: 'scheduler' }),
    probe: () => gateway.ping(),
    onRelease: () => void scheduler.tick(),
  });
  runner.onTransition((transition) => originateHold.observe(transition));
  const scheduler = createCampaignScheduler({
    store: database.dialing,
    runner,
    clock: systemClock,
    log: logger.child({ component: 'scheduler' }),
    maxChannels: config.maxChannels,
    circuitBreakerThreshold: config.circuitBreakerFailures,
    compliance: config.compliance,
    identity: {
      stasisApp: config.ari.app,
      outboundIdentity: config.dial.outboundIdentity,
      defaultDialString: config.dial.dialString,
      aavaHandoffContext: config.dial.aavaHandoffContext,
      hopWaitMs: config.dial.hopWaitMs,
      handOffSettleMs:
        config.dial.handOffSettleMs ??
        // The simulator's far ends talk in scaled time: so must the settle time, or a
        // sped-up agent would hang up inside it.
        (pbx.sim ? Math.round(HAND_OFF_SETTLE_MS * config.simTimeScale) : HAND_OFF_SETTLE_MS),
    },
    async findMedia(recordingId) {
      const recording = await recordings.get(recordingId);
      return recording && { uri: recording.mediaUri, durationMs: recording.durationMs };
    },
    ariConnected,
    storageWritable: storage.isWritable,
    pbxHold: originateHold.reason,
    newAttemptId: randomUUID,
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
  // Back from a lost connection: dial at once rather than at the next poll (a hold
  // after a failed originate is lifted once ARI answers a ping, tried at once too).
  gateway.onConnection((status) => {
    if (status.state !== 'connected') return;
    originateHold.probeNow();
    void scheduler.tick();
  });
  // The simulator too: it answers the same ARI questions, so the checks run end to end.
  const setupProbe = createAriSetupProbe({
    url: pbx.url,
    user: pbx.user,
    password: pbx.password,
    clock: systemClock,
    timeoutMs: SETUP_PROBE_REQUEST_TIMEOUT_MS,
  });
  // Campaigns deleted before the last stop are removed first, then each after its delete.
  const campaignPurge = startCampaignPurger({
    store: database.store,
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
      simulated: pbx.sim !== null,
      probe: setupProbe,
      listTargets: async () =>
        campaignTargets(await database.campaigns.list(), config.dial.aavaHandoffContext),
      checksTimeoutMs: SETUP_CHECKS_TIMEOUT_MS,
    },
    ariStatus: () => ari,
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
    originateHold.stop();
    router.stop();
    await runner.stop();
    storage.stop();
    await gateway.close();
    await pbx.sim?.stop();
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
    simulated: pbx.sim !== null,
    ariUrl: pbx.url,
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
