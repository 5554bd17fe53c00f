import { aiTargetChecks, type CampaignTarget } from './ai-target-checks.js';
import type {
  ProbeFailure,
  ProbeFailureReason,
  SetupCheck,
  SetupCheckId,
  SetupProbe,
} from './setup-probe.js';

export type {
  DialplanQuery,
  MediaDirAccess,
  ProbeFailure,
  ProbeFailureReason,
  ProbeResult,
  SetupCheck,
  SetupCheckId,
  SetupProbe,
} from './setup-probe.js';

/** What the deployment is expected to provide. */
export interface SetupCheckOptions {
  /** Our Stasis app name. */
  app: string;
  amdContext: string;
  /** Context of the `Local/<number>@<context>` originates. */
  dialContext: string;
  /** The label the current AMD hop has on its first priority, e.g. `dialstate_hop_v2`. */
  hopVersionLabel: string;
  mediaDir: string;
  /** dialstate should be running: a disconnected app fails instead of warning. */
  expectAppConnected?: boolean;
  /** The hand-off targets of the campaigns that may dial (running or paused). */
  targets?: readonly CampaignTarget[];
}

/**
 * Checks a deployment the way an attempt depends on it, in that order: ARI answers and
 * accepts us, `app_amd` is loaded, the AMD and dial contexts exist, our app is connected,
 * the media folder is usable. Every failure carries a fix. When ARI cannot be reached or
 * refuses the credentials, the checks that need it are left out: they could only repeat
 * the same failure.
 */
export async function runSetupChecks(
  probe: SetupProbe,
  options: SetupCheckOptions,
): Promise<SetupCheck[]> {
  const checks: SetupCheck[] = [];
  const ping = await probe.ping();
  if (!ping.ok && ping.reason !== 'unauthorized') {
    checks.push(failed('ari-reachable', 'Asterisk ARI answers', ping));
    checks.push(await mediaDirCheck(probe, options.mediaDir));
    return checks;
  }
  checks.push(
    passed(
      'ari-reachable',
      'Asterisk ARI answers',
      ping.ok
        ? `Asterisk ${ping.value.version}`
        : 'the HTTP server answered, but asks for credentials',
    ),
  );
  if (!ping.ok) {
    checks.push(failed('ari-credentials', 'ARI accepts the credentials', ping));
    checks.push(await mediaDirCheck(probe, options.mediaDir));
    return checks;
  }
  checks.push(passed('ari-credentials', 'ARI accepts the credentials', 'authenticated'));
  checks.push(await appAmdCheck(probe));
  checks.push(...(await contextChecks(probe, options)));
  checks.push(await appConnectedCheck(probe, options));
  checks.push(...(await aiTargetChecks(probe, options.targets ?? [])));
  checks.push(await mediaDirCheck(probe, options.mediaDir));
  return checks;
}

/** Whether the report should make `dialstate doctor` fail; warnings never do. */
export function hasFailedCheck(checks: readonly SetupCheck[]): boolean {
  return checks.some((check) => check.ok === false);
}

async function appAmdCheck(probe: SetupProbe): Promise<SetupCheck> {
  const title = 'app_amd is loaded';
  const loaded = await probe.moduleLoaded('app_amd.so');
  if (!loaded.ok) return failed('app-amd', title, loaded);
  if (loaded.value) return passed('app-amd', title, 'app_amd.so is running');
  return {
    id: 'app-amd',
    title,
    ok: false,
    detail: 'app_amd.so is not among the running modules: AMD() fails and answered calls drop',
    fix: "Load it now with `asterisk -rx 'module load app_amd.so'`, and remove any `noload => app_amd.so` from modules.conf so it loads at start.",
  };
}

async function contextChecks(probe: SetupProbe, options: SetupCheckOptions): Promise<SetupCheck[]> {
  const amdTitle = `AMD context ${options.amdContext} exists`;
  const dialTitle = `dial context ${options.dialContext} exists`;
  // The AMD hop always enters at s,1; originates only need the context to route numbers.
  const hopTitle = `AMD hop in ${options.amdContext} is the current one`;
  const found = await probe.dialplanHas([
    { context: options.amdContext, extension: 's' },
    { context: options.dialContext },
    { context: options.amdContext, extension: 's', priority: options.hopVersionLabel },
  ]);
  if (!found.ok) {
    return [
      failed('amd-context', amdTitle, found),
      failed('amd-hop-version', hopTitle, found),
      failed('dial-context', dialTitle, found),
    ];
  }
  const [amd, dial, current] = found.value;
  return [
    amd
      ? passed('amd-context', amdTitle, `${options.amdContext},s,1 is in the dialplan`)
      : {
          id: 'amd-context',
          title: amdTitle,
          ok: false,
          detail: `Asterisk has no ${options.amdContext},s,1: every answered call would be dropped with cause 0 (ARI accepts a continue into a missing context)`,
          fix: installFix(options),
        },
    hopVersionCheck(hopTitle, amd === true, current === true, options),
    dial
      ? passed('dial-context', dialTitle, `context ${options.dialContext} is in the dialplan`)
      : {
          id: 'dial-context',
          title: dialTitle,
          ok: false,
          detail: `Asterisk has no context ${options.dialContext}: every originate would end at once with cause 0`,
          fix: 'Set DIALSTATE_DIAL_CONTEXT to the context that routes outbound numbers (from-internal on FreePBX), or create that context.',
        },
  ];
}

/**
 * The installed hop is the current one when its first priority carries the version
 * label. An older hop hangs up every caller who is in it while dialstate restarts, and
 * sets the AAVA_* variable names that AAVA's engine takes for its own.
 */
function hopVersionCheck(
  title: string,
  installed: boolean,
  current: boolean,
  options: SetupCheckOptions,
): SetupCheck {
  if (current) {
    return passed(
      'amd-hop-version',
      title,
      `${options.amdContext},s has label ${options.hopVersionLabel}`,
    );
  }
  return {
    id: 'amd-hop-version',
    title,
    ok: false,
    detail: installed
      ? `${options.amdContext},s has no label ${options.hopVersionLabel}: an older hop is installed, which drops the callers who are in AMD whenever dialstate restarts`
      : `no AMD hop to check: ${options.amdContext},s,1 is missing`,
    fix: installFix(options),
  };
}

function installFix(options: SetupCheckOptions): string {
  return `Install dialplan/extensions_dialstate.conf rendered for context ${options.amdContext} and app ${options.app} (FreePBX: in /etc/asterisk/extensions_custom.conf; plain Asterisk: #include it from extensions.conf), then \`asterisk -rx 'dialplan reload'\`. See dialplan/README.md.`;
}

async function appConnectedCheck(
  probe: SetupProbe,
  options: SetupCheckOptions,
): Promise<SetupCheck> {
  const title = `Stasis app ${options.app} is connected`;
  const connected = await probe.appConnected(options.app);
  if (!connected.ok) return failed('app-connected', title, connected);
  if (connected.value) {
    return passed('app-connected', title, 'a dialstate process holds the app');
  }
  return {
    id: 'app-connected',
    title,
    ok: options.expectAppConnected ? false : 'warn',
    detail: `no websocket is connected for ${options.app}: dialstate is not running, or runs with another DIALSTATE_ARI_APP`,
    fix: 'Expected before `dialstate serve` starts. If it is running, check that its DIALSTATE_ARI_APP matches and look at its log for ARI connection errors.',
  };
}

async function mediaDirCheck(probe: SetupProbe, dir: string): Promise<SetupCheck> {
  const title = `media folder ${dir} is usable`;
  const access = await probe.mediaDirAccess(dir);
  if (access.ok) {
    if (!access.ownerOnly) return passed('media-dir', title, 'readable and writable');
    return {
      id: 'media-dir',
      title,
      ok: 'warn',
      detail:
        'only its owner may read it: Asterisk can play the recordings only if it runs as that user',
      fix: `Let the asterisk user read it, e.g. \`chgrp asterisk ${dir} && chmod 2775 ${dir}\`.`,
    };
  }
  const fixes: Record<typeof access.reason, string> = {
    missing: `Create it where Asterisk sees the same path: \`mkdir -p ${dir}\`, writable by dialstate's user and readable by asterisk (e.g. \`chgrp asterisk ${dir} && chmod 2775 ${dir}\`), or set AAVA_MEDIA_DIR.`,
    notDirectory: `Point AAVA_MEDIA_DIR at a folder; ${dir} is a file.`,
    notReadable: `Give dialstate's user read access to ${dir} (e.g. add it to the folder's group).`,
    notWritable: `Give dialstate's user write access to ${dir}: uploads are converted into it.`,
  };
  return { id: 'media-dir', title, ok: false, detail: access.message, fix: fixes[access.reason] };
}

function passed(id: SetupCheckId, title: string, detail: string): SetupCheck {
  return { id, title, ok: true, detail, fix: null };
}

function failed(id: SetupCheckId, title: string, failure: ProbeFailure): SetupCheck {
  return { id, title, ok: false, detail: failure.message, fix: FAILURE_FIXES[failure.reason] };
}

const FAILURE_FIXES: Record<ProbeFailureReason, string> = {
  unreachable:
    "Start Asterisk's HTTP server (http.conf: enabled = yes, bindaddr, bindport = 8088), make sure this host can reach that port, and check DIALSTATE_ARI_URL.",
  timeout:
    'Check that DIALSTATE_ARI_URL points at Asterisk and that no firewall drops the traffic; a loaded Asterisk may also answer late.',
  unauthorized:
    'Set DIALSTATE_ARI_USER to a `type = user` section of ari.conf and DIALSTATE_ARI_PASSWORD to its password, then `asterisk -rx "module reload res_ari.so"` if you edited ari.conf.',
  forbidden: 'Give the ARI user `read_only = no` in ari.conf: dialstate places and controls calls.',
  notAri:
    'Enable ARI (ari.conf: [general] enabled = yes; `module load res_ari.so`) and give DIALSTATE_ARI_URL as the HTTP server root without /ari, e.g. http://127.0.0.1:8088.',
  unexpected:
    "See ARI's answer above and Asterisk's log (`asterisk -rvvv`) while running `dialstate doctor` again.",
};
