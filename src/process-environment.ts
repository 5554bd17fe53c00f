import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { type Config, ConfigError, loadConfig } from './config.js';

/** Where a setting's value came from. */
export type SettingSource = 'option' | 'environment' | 'file' | 'default';

/** The settings this process is given, merged, with where each came from. */
export interface ProcessEnvironment {
  env: Record<string, string | undefined>;
  sourceOf(name: string): SettingSource;
}

/**
 * The environment of this process as settings: `overrides` (command-line options) first,
 * then the process environment, then `envFile` (a `KEY=value` file like systemd's
 * `EnvironmentFile`), given as `--config FILE`: not `--env-file`, which Node 20 takes
 * for itself from anywhere on the command line. The only reader of `process.env`.
 *
 * @throws ConfigError when the file cannot be read.
 */
export function readProcessEnvironment(
  options: { overrides?: Readonly<Record<string, string>>; envFile?: string } = {},
): ProcessEnvironment {
  let file: Record<string, string | undefined> = {};
  if (options.envFile !== undefined) {
    try {
      file = parseEnv(readFileSync(options.envFile, 'utf8'));
    } catch (error) {
      throw new ConfigError([
        `--config: cannot read ${options.envFile}: ${(error as Error).message}`,
      ]);
    }
  }
  const overrides = options.overrides ?? {};
  const given = (value: string | undefined) => value !== undefined && value !== '';
  return {
    env: { ...file, ...process.env, ...overrides },
    sourceOf: (name) =>
      given(overrides[name])
        ? 'option'
        : given(process.env[name])
          ? 'environment'
          : given(file[name])
            ? 'file'
            : 'default',
  };
}

/**
 * Loads the configuration of this process (see {@link readProcessEnvironment}).
 *
 * @throws ConfigError listing every problem found.
 */
export function loadProcessConfig(
  options: { overrides?: Readonly<Record<string, string>>; envFile?: string } = {},
): Config {
  return loadConfig(readProcessEnvironment(options).env);
}
