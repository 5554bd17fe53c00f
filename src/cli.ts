#!/usr/bin/env node
import { parseArgs } from 'node:util';

// Each command is imported when it runs, not before: `dialstate --help` or `dialstate
// import` need not load the server, the simulator or the web API (tens of MB of heap).

const USAGE = `usage: dialstate <command> [options]

commands:
  serve                       run the dialer (migrates the database first)
  migrate [--db PATH]         bring the database schema up to date
  migrate --to postgres://USER:PASSWORD@HOST/DB [--db PATH]
                              copy the SQLite database into an empty PostgreSQL
                              database, then check it (row counts, counters, a
                              replay of 100 ended attempts); stop the server first
  replay <attemptId> [--db PATH] [--json]
                              re-run a stored attempt through the machine, check it
                              reproduces every recorded step, and print its timeline
  sim [--port N] [--time-scale X]
                              run the simulated Asterisk on its own (ARI on
                              loopback, default port 18088); no real calls
  doctor                      check the Asterisk side: ARI reachability and
                              credentials, app_amd, the AMD and dial contexts, the
                              media folder; exits 1 when a check fails
  import <campaignId> <file.csv|file.xlsx> [--mode skip_existing|update_existing]
         [--errors rejected.csv] [--json]
                              import leads from a CSV file or the first worksheet of
                              an Excel .xlsx workbook (columns: phone, name,
                              timezone, caller_id, custom_vars; any other column is
                              a custom variable), all valid rows or none; exits 1
                              when the file is refused
  import --sample             print a sample CSV to start from
  dnc add|remove <phone> [--campaign ID] [--reason TEXT] [--region XX]
  dnc import <file.csv> [--campaign ID] [--reason TEXT] [--region XX]
  dnc list [--campaign ID] [--json]
                              the global do-not-call list, or a campaign's; numbers
                              without a country code are read in --region (by
                              default the campaign's)
  backup <file> [--force]     copy the database consistently while the server runs
                              (refuses to replace <file> without --force)
  restore <file>              put a backup in place of the database, with the server
                              stopped; the replaced database is kept beside it
  config check                print the effective configuration (secrets masked),
                              where each setting came from, and every problem;
                              exits 1 when there is one

Every command takes --config FILE (KEY=value lines, as systemd's EnvironmentFile);
the environment overrides it. Settings: docs/configuration.md, .env.example.`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  // Every command but the long-running ones does its work in a few allocations' time.
  if (command !== 'serve' && command !== 'sim') {
    (await import('./cli/young-generation.js')).keepYoungGenerationSmall();
  }
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      db: { type: 'string' },
      to: { type: 'string' },
      json: { type: 'boolean', default: false },
      port: { type: 'string' },
      'time-scale': { type: 'string' },
      mode: { type: 'string' },
      errors: { type: 'string' },
      sample: { type: 'boolean', default: false },
      campaign: { type: 'string' },
      reason: { type: 'string' },
      region: { type: 'string' },
      config: { type: 'string' },
      force: { type: 'boolean', default: false },
    },
  });
  const settings = {
    overrides: values.db ? { DIALSTATE_DB_PATH: values.db } : ({} as Record<string, string>),
    envFile: values.config,
  };
  if (command === 'import' && values.sample) {
    // Before the settings: the sample needs neither them nor the database.
    return (await import('./cli/import-sample-command.js')).importSampleCommand();
  }
  // An import holds V8's optimizing compiler back until its file turns out large (ADR 045).
  if (command === 'import') {
    (await import('./cli/optimizing-compiler.js')).holdOptimizingCompiler();
  }

  const { loadProcessConfig, readProcessEnvironment } = await import('./process-environment.js');
  if (command === 'config') {
    if (positionals[0] !== 'check') {
      console.error('config needs an action: dialstate config check [--config FILE]');
      return 2;
    }
    const { configCheckCommand } = await import('./cli/config-command.js');
    return configCheckCommand(readProcessEnvironment(settings));
  }
  const config = loadProcessConfig(settings);
  switch (command) {
    case 'serve':
      return (await import('./cli/serve-command.js')).serveCommand(config);
    case 'migrate':
      return (await import('./cli/migrate-command.js')).migrateCommand(config, { to: values.to });
    case 'doctor':
      return (await import('./cli/doctor-command.js')).doctorCommand(config);
    case 'sim': {
      const port = values.port === undefined ? undefined : Number(values.port);
      const timeScale =
        values['time-scale'] === undefined ? undefined : Number(values['time-scale']);
      if ((port !== undefined && !Number.isInteger(port)) || Number.isNaN(timeScale)) {
        console.error('sim: --port takes a whole number and --time-scale a number');
        return 2;
      }
      const { simCommand } = await import('./cli/sim-command.js');
      return simCommand({
        port,
        timeScale,
        user: config.ari.user,
        password: config.ari.password || 'dialstate',
        mediaDir: config.mediaDir,
        dialContext: config.dial.context,
        amdContext: config.dial.amdContext,
      });
    }
    case 'backup':
    case 'restore': {
      const file = positionals[0];
      if (!file) {
        console.error(`${command} needs a file: dialstate ${command} <file>`);
        return 2;
      }
      const { backupCommand, restoreCommand } = await import('./cli/backup-command.js');
      return command === 'backup'
        ? backupCommand(config, file, { force: values.force ?? false })
        : restoreCommand(config, file);
    }
    case 'replay': {
      const attemptId = positionals[0];
      if (!attemptId) {
        console.error('replay needs an attempt id: dialstate replay <attemptId>');
        return 2;
      }
      const { replayCommand } = await import('./cli/replay-command.js');
      return replayCommand(config, attemptId, { json: values.json ?? false });
    }
    case 'import': {
      const { importCommand } = await import('./cli/import-command.js');
      const [campaignId, file] = positionals;
      if (!campaignId || !file) {
        console.error(
          'import needs a campaign and a file: dialstate import <campaignId> <file.csv>',
        );
        return 2;
      }
      return importCommand(config, campaignId, file, {
        mode: values.mode,
        errors: values.errors,
        json: values.json ?? false,
      });
    }
    case 'dnc': {
      const [action, argument] = positionals;
      if (!action) {
        console.error('dnc needs an action: dialstate dnc add|remove|import|list');
        return 2;
      }
      const { dncCommand } = await import('./cli/dnc-command.js');
      return dncCommand(config, action, argument, {
        campaign: values.campaign,
        reason: values.reason,
        region: values.region,
        json: values.json ?? false,
      });
    }
    default:
      console.error(`unknown command "${command}"\n\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  },
);
