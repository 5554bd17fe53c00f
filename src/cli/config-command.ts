import { type Config, ConfigError, loadConfig } from '../config.js';
import { SETTING_DOCS, type SettingName } from '../config-reference.js';
import { CONFIG_SCHEMA } from '../config-schema.js';
import { redactedPbx } from '../pbx-config.js';
import type { ProcessEnvironment } from '../process-environment.js';
import { maskDatabaseUrl } from '../store/postgres/open-postgres.js';

/** The settings whose default depends on others: shown as the configuration resolved them. */
const RESOLVED: Partial<Record<SettingName, (config: Config) => string>> = {
  DIALSTATE_DB_PATH: (config) => config.db.path,
  AAVA_MEDIA_DIR: (config) => config.mediaDir,
};

/**
 * `dialstate config check`: prints every setting with the value a command would run with
 * (secrets masked) and where it came from, then every problem at once. Exit code 0 when
 * the configuration is usable, 1 when not.
 */
export function configCheckCommand(environment: ProcessEnvironment): number {
  let config: Config | null = null;
  let problems: string[] = [];
  try {
    config = loadConfig(environment.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems = error.problems;
  }
  const names = Object.keys(SETTING_DOCS) as SettingName[];
  const width = Math.max(...names.map((name) => name.length));
  const rows = names.map((name) => {
    const value = shownValue(name, environment.env[name], config);
    const source = environment.sourceOf(name);
    return `  ${name.padEnd(width)}  ${value.padEnd(34)}  ${source}`;
  });
  console.log(['Effective configuration (value, then where it came from):', ...rows].join('\n'));
  if (config !== null && (config.pbxFile !== null || config.pbxs.length > 1)) {
    console.log(
      `\nPBXs (${config.pbxFile ?? 'DIALSTATE_SIM_PBXS'}):\n${pbxRows(config).join('\n')}`,
    );
  }
  if (problems.length === 0) {
    console.log('\nNo problem found. (`dialstate doctor` checks the Asterisk side.)');
    return 0;
  }
  console.log(
    `\n${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${problems.map((p) => `  ✗ ${p}`).join('\n')}`,
  );
  return 1;
}

/** The settings that hold a secret inside a value worth seeing: shown with it masked. */
const MASKED: Partial<Record<SettingName, (value: string) => string>> = {
  DIALSTATE_DATABASE_URL: maskDatabaseUrl,
};

function shownValue(name: SettingName, raw: string | undefined, config: Config | null): string {
  const given = raw === undefined || raw === '' ? undefined : raw;
  if (SETTING_DOCS[name].secret) {
    return given === undefined ? '(unset)' : '•••••• (set)';
  }
  const mask = MASKED[name];
  if (mask && given !== undefined) {
    const valid = CONFIG_SCHEMA.shape[name].safeParse(given).success;
    return valid ? mask(given) : `${JSON.stringify(mask(given))} (invalid)`;
  }
  const resolve = RESOLVED[name];
  if (given === undefined && resolve) {
    return config === null ? '(follows other settings)' : resolve(config);
  }
  const parsed = CONFIG_SCHEMA.shape[name].safeParse(given);
  if (!parsed.success) return `${JSON.stringify(given)} (invalid)`;
  return parsed.data === undefined ? '(unset)' : String(parsed.data);
}

/** One line per PBX, its password masked. */
function pbxRows(config: Config): string[] {
  return config.pbxs.map((pbx) => {
    const shown = redactedPbx(pbx);
    return `  ${shown.name}  ${shown.url ?? 'embedded simulator'}  user ${shown.user}  password ${shown.password}  app ${shown.app}  maxChannels ${shown.maxChannels}  dialString ${shown.dialString ?? '(server default)'}${shown.enabled ? '' : '  (disabled)'}`;
  });
}
