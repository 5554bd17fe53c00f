import { type DestinationStream, type Logger, pino } from 'pino';
import type { LogLevel } from './config.js';

export type { Logger };

/** The ids a log line about one call carries, so every line can be traced to it. */
export interface AttemptLogBindings {
  campaignId: string;
  leadId: string;
  attemptId: string;
  channelId: string;
}

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

/** A child logger bound to one attempt's campaign, lead, attempt and channel ids. */
export function attemptLogger(log: Logger, ids: AttemptLogBindings): Logger {
  return log.child(ids);
}
