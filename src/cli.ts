#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { doctorCommand } from './cli/doctor-command.js';
import { migrateCommand } from './cli/migrate-command.js';
import { replayCommand } from './cli/replay-command.js';
import { serveCommand } from './cli/serve-command.js';
import { simCommand } from './cli/sim-command.js';
import { loadProcessConfig } from './config.js';

const USAGE = `usage: dialstate <command> [options]

commands:
  serve                       run the dialer (migrates the database first)
  migrate [--db PATH]         bring the database schema up to date
  replay <attemptId> [--db PATH] [--json]
                              re-run a stored attempt through the machine, check it
                              reproduces every recorded step, and print its timeline
  sim [--port N] [--time-scale X]
                              run the simulated Asterisk on its own (ARI on
                              loopback, default port 8088); no real calls
  doctor                      check the Asterisk side: ARI reachability and
                              credentials, app_amd, the AMD and dial contexts, the
                              media folder; exits 1 when a check fails

Configuration comes from the environment; see .env.example.`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      db: { type: 'string' },
      json: { type: 'boolean', default: false },
      port: { type: 'string' },
      'time-scale': { type: 'string' },
    },
  });
  const config = loadProcessConfig(values.db ? { DIALSTATE_DB_PATH: values.db } : {});
  switch (command) {
    case 'serve':
      return serveCommand(config);
    case 'migrate':
      return migrateCommand(config);
    case 'doctor':
      return doctorCommand(config);
    case 'sim': {
      const port = values.port === undefined ? undefined : Number(values.port);
      const timeScale =
        values['time-scale'] === undefined ? undefined : Number(values['time-scale']);
      if ((port !== undefined && !Number.isInteger(port)) || Number.isNaN(timeScale)) {
        console.error('sim: --port takes a whole number and --time-scale a number');
        return 2;
      }
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
    case 'replay': {
      const attemptId = positionals[0];
      if (!attemptId) {
        console.error('replay needs an attempt id: dialstate replay <attemptId>');
        return 2;
      }
      return replayCommand(config, attemptId, { json: values.json ?? false });
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
