import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { CAMPAIGN_DEFAULTS } from '../campaign/campaign-defaults.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { PbxConfig } from '../pbx-config.js';
import { createSimulator, type Simulator } from '../sim/simulator.js';
import type { ResolvedPbx } from './pbx-connections.js';

/** Where each enabled PBX is: its configured Asterisk, or a simulator started for it. */
export async function resolvePbxs(config: Config, log: Logger): Promise<ResolvedPbx[]> {
  const resolved: ResolvedPbx[] = [];
  try {
    for (const pbx of config.pbxs) {
      if (pbx.enabled) resolved.push(await resolvePbx(config, pbx, log));
    }
  } catch (error) {
    for (const pbx of resolved) await pbx.sim?.stop();
    throw error;
  }
  return resolved;
}

async function resolvePbx(config: Config, pbx: PbxConfig, log: Logger): Promise<ResolvedPbx> {
  if (pbx.url !== null) return { config: pbx, url: pbx.url, password: pbx.password, sim: null };
  // A fresh secret per run: the simulator listens on loopback and only we talk to it.
  const password = randomBytes(16).toString('hex');
  await mkdir(config.mediaDir, { recursive: true });
  const several = config.pbxs.length > 1;
  const sim: Simulator = createSimulator({
    user: pbx.user,
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
    log: log.child(several ? { component: 'sim', pbx: pbx.name } : { component: 'sim' }),
  });
  const { url } = await sim.start();
  return { config: pbx, url, password, sim };
}
