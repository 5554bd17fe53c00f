import { type DestinationStream, type Logger, pino } from 'pino';
import type { LogLevel } from './config.js';

export type { Logger };

/** Creates the process logger: pino JSON lines on stdout, or on `destination`. */
export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'dialstate' },
      // Credentials can ride along in error objects from HTTP clients.
      redact: ['password', '*.password', 'apiToken', '*.apiToken', 'headers.authorization'],
    },
    destination,
  );
}
