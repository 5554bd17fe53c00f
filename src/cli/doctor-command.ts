import { existsSync } from 'node:fs';
import { AMD_HOP_VERSION_LABEL } from '../ari/amd-hop.js';
import { createAriSetupProbe } from '../ari/ari-setup-probe.js';
import { systemClock } from '../calls/ports.js';
import type { Config } from '../config.js';
import { type CampaignTarget, campaignTargets } from '../setup/ai-target-checks.js';
import {
  hasFailedCheck,
  runSetupChecks,
  type SetupCheck,
  type SetupProbe,
} from '../setup/setup-checks.js';
import { withDatabase } from '../wiring/database.js';

const MARKS = { pass: '✓', warn: '!', fail: '✗' } as const;

/**
 * `dialstate doctor`: checks the Asterisk side of a deployment and prints one line per
 * check, with a fix under each problem. Resolves to the exit code: 1 when a check
 * failed, 0 otherwise (warnings included).
 */
export async function doctorCommand(
  config: Config,
  io: {
    probe?: SetupProbe;
    print?: (line: string) => void;
    /** The hand-off targets to check; by default those of the database's dialing campaigns. */
    targets?: () => Promise<CampaignTarget[]>;
  } = {},
): Promise<number> {
  const print = io.print ?? ((line: string) => console.log(line));
  let probe = io.probe;
  if (!probe && config.pbxs.length > 1) return doctorEachPbx(config, { ...io, print });
  if (!probe) {
    if (config.ari.url === null) {
      print(
        formatCheck({
          id: 'ari-reachable',
          title: 'Asterisk ARI configured',
          ok: 'warn',
          detail:
            'DIALSTATE_ARI_URL is not set: dialstate uses its embedded simulator and places no real calls',
          fix: 'Set DIALSTATE_ARI_URL, DIALSTATE_ARI_USER and DIALSTATE_ARI_PASSWORD to check a real Asterisk.',
        }),
      );
      return 0;
    }
    probe = createAriSetupProbe({
      url: config.ari.url,
      user: config.ari.user,
      password: config.ari.password,
      clock: systemClock,
    });
  }
  print(
    `dialstate doctor: ${config.ari.url ?? 'embedded simulator'} as ${config.ari.user}, app ${config.ari.app}`,
  );
  print('');
  const checks = await runSetupChecks(probe, {
    app: config.ari.app,
    amdContext: config.dial.amdContext,
    dialContext: config.dial.context,
    hopVersionLabel: AMD_HOP_VERSION_LABEL,
    mediaDir: config.mediaDir,
    targets: await (io.targets ?? (() => storedTargets(config)))(),
  });
  for (const check of checks) print(formatCheck(check));
  print('');
  print(summary(checks));
  return hasFailedCheck(checks) ? 1 : 0;
}

/**
 * Several PBXs: the checks of each enabled one in turn, under its name (its password
 * never printed). 1 when a check of any PBX failed.
 */
async function doctorEachPbx(
  config: Config,
  io: Parameters<typeof doctorCommand>[1] & { print: (line: string) => void },
): Promise<number> {
  let code = 0;
  for (const pbx of config.pbxs) {
    io.print(`── PBX ${pbx.name}${pbx.enabled ? '' : ': disabled, not checked'}`);
    if (!pbx.enabled) continue;
    const one: Config = {
      ...config,
      ari: { url: pbx.url, user: pbx.user, password: pbx.password, app: pbx.app },
      pbxs: [pbx],
    };
    code = Math.max(code, await doctorCommand(one, io));
    io.print('');
  }
  return code;
}

/**
 * The targets of the database's running and paused campaigns. A SQLite file that does
 * not exist yet has none (doctor is often run before the first start).
 */
async function storedTargets(config: Config): Promise<CampaignTarget[]> {
  if (config.db.url === null && !existsSync(config.db.path)) return [];
  return withDatabase(config.db, async (database) =>
    campaignTargets(await database.campaigns.list(), config.dial.aavaHandoffContext),
  );
}

function formatCheck(check: SetupCheck): string {
  const mark = check.ok === true ? MARKS.pass : check.ok === 'warn' ? MARKS.warn : MARKS.fail;
  const line = `${mark} ${check.title}: ${check.detail}`;
  return check.fix ? `${line}\n    fix: ${check.fix}` : line;
}

function summary(checks: readonly SetupCheck[]): string {
  const failed = checks.filter((c) => c.ok === false).length;
  const warned = checks.filter((c) => c.ok === 'warn').length;
  if (failed === 0 && warned === 0) return `all ${checks.length} checks passed`;
  const parts = [];
  if (failed > 0) parts.push(`${failed} failed`);
  if (warned > 0) parts.push(`${warned} ${warned === 1 ? 'warning' : 'warnings'}`);
  return `${parts.join(', ')} (of ${checks.length} checks)`;
}
