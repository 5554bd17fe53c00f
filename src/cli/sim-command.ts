import type { Logger } from 'pino';
import { describeNumberRules } from '../sim/sim-scenarios.js';
import { createSimulator } from '../sim/simulator.js';

/**
 * Port of `dialstate sim` when none is given: not Asterisk's own 8088 (nor 8089, its
 * usual TLS port), so that the simulator can run on a PBX host beside the real thing.
 */
export const SIM_DEFAULT_PORT = 18088;

/** Options of `dialstate sim`. */
export interface SimCommandOptions {
  /** Loopback address; default 127.0.0.1. */
  host?: string;
  /** Default {@link SIM_DEFAULT_PORT}. */
  port?: number;
  user: string;
  password: string;
  /** Real ms per scenario ms (1 = real time). */
  timeScale?: number;
  mediaDir?: string;
  dialContext?: string;
  amdContext?: string;
  aiApp?: string;
  aiContext?: string;
  log?: Logger;
}

/**
 * `dialstate sim`: runs the simulated Asterisk on its own, prints its URL, the settings
 * that point dialstate (or any ARI client) at it and the far-end number table, and stops
 * on SIGINT or SIGTERM.
 */
export async function simCommand(options: SimCommandOptions): Promise<number> {
  const dialContext = options.dialContext ?? 'from-internal';
  const amdContext = options.amdContext ?? 'aava-outbound-amd';
  const aiApp = options.aiApp ?? 'ai-agent';
  const aiContext = options.aiContext ?? 'ai-agent';
  const sim = createSimulator({
    host: options.host,
    port: options.port ?? SIM_DEFAULT_PORT,
    user: options.user,
    password: options.password,
    timeScale: options.timeScale,
    mediaDir: options.mediaDir,
    dialContexts: [dialContext],
    amdContext,
    aiApp,
    aiContexts: [aiContext],
    log: options.log,
  });
  const { url } = await sim.start();
  console.log(
    [
      'Simulated Asterisk 22 (ARI) — no real calls are placed.',
      '',
      `  ARI URL     ${url}`,
      `  user        ${options.user}   (password as configured)`,
      `  time scale  ${options.timeScale ?? 1}`,
      `  contexts    dial ${dialContext}, AMD ${amdContext}, AI ${aiContext}; built-in AI agent app ${aiApp}`,
      '',
      'Point dialstate at it:',
      `  DIALSTATE_ARI_URL=${url} DIALSTATE_ARI_USER=${options.user} DIALSTATE_ARI_PASSWORD=<password> dialstate serve`,
      '',
      `Far ends, by the last two digits of the number dialed (Local/<number>@${dialContext}):`,
      ...describeNumberRules().map((line) => `  ${line}`),
      '',
      'Ctrl-C stops it.',
    ].join('\n'),
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await sim.stop();
  return 0;
}
