import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { systemClock } from '../calls/ports.js';
import {
  addToDnc,
  type DncChangeResult,
  type DncScope,
  importDnc,
  removeFromDnc,
} from '../compliance/do-not-call-lists.js';
import type { Config } from '../config.js';
import { withDatabase } from '../wiring/database.js';

export interface DncCommandOptions {
  /** The campaign's list; the global list when absent. */
  campaign?: string;
  reason?: string;
  /** Region of numbers without a country code (the campaign's by default). */
  region?: string;
  json: boolean;
}

export const DNC_ACTIONS = ['add', 'remove', 'import', 'list'] as const;

/**
 * `dialstate dnc add|remove <phone>`, `dnc import <file>`, `dnc list`: the global
 * do-not-call list, or a campaign's with `--campaign`. Numbers are normalised like lead
 * numbers. Exit code 0 on success, 1 when the change or import failed, 2 for usage.
 */
export async function dncCommand(
  config: Config,
  action: string,
  argument: string | undefined,
  options: DncCommandOptions,
): Promise<number> {
  if (!(DNC_ACTIONS as readonly string[]).includes(action)) {
    console.error(`dnc: the action is ${DNC_ACTIONS.join(', ')}, not "${action}"`);
    return 2;
  }
  if (action !== 'list' && !argument) {
    console.error(`dnc ${action} needs ${action === 'import' ? 'a CSV file' : 'a phone number'}`);
    return 2;
  }
  const scope: DncScope = { campaignId: options.campaign ?? null, region: options.region ?? null };
  const list = options.campaign
    ? `the do-not-call list of ${options.campaign}`
    : 'the global do-not-call list';
  return withDatabase(config.db, async (database) => {
    const deps = { store: database.dncLists, clock: systemClock };
    switch (action) {
      case 'list': {
        const entries = await database.dncEntries.list(scope.campaignId);
        if (options.json) console.log(JSON.stringify(entries, null, 2));
        else {
          for (const entry of entries) {
            console.log(
              `${entry.phone}\t${new Date(entry.createdAt).toISOString()}\t${entry.reason ?? ''}`,
            );
          }
          console.log(
            `${entries.length} ${entries.length === 1 ? 'number' : 'numbers'} on ${list}`,
          );
        }
        return 0;
      }
      case 'add':
      case 'remove': {
        const phone = argument ?? '';
        const result =
          action === 'add'
            ? await addToDnc(deps, scope, phone, options.reason ?? null)
            : await removeFromDnc(deps, scope, phone);
        return printChange(action, phone, list, result);
      }
      default: {
        const file = argument ?? '';
        try {
          await stat(file);
        } catch (error) {
          console.error(`dnc import: cannot read ${file}: ${(error as Error).message}`);
          return 1;
        }
        const result = await importDnc(
          deps,
          scope,
          createReadStream(file, { highWaterMark: 256 * 1024 }),
          {
            defaultReason: options.reason ?? null,
          },
        );
        if (!result.ok) return printChange('import', file, list, result);
        const { report } = result;
        if (options.json) console.log(JSON.stringify(report, null, 2));
        else if (report.status === 'failed') {
          console.log(`${file}: FAILED, no number was added to ${list} — ${report.error}`);
        } else {
          const c = report.counts;
          console.log(
            `${file}: ${c.totalRows} rows into ${list}: ${c.added} added, ${c.alreadyListed} already listed, ` +
              `${c.duplicates} duplicates, ${c.rejected} rejected`,
          );
          for (const issue of report.issues.slice(0, 20)) {
            console.log(`  row ${issue.rowNumber} ${JSON.stringify(issue.value)}: ${issue.reason}`);
          }
        }
        return report.status === 'completed' ? 0 : 1;
      }
    }
  });
}

function printChange(action: string, phone: string, list: string, result: DncChangeResult): number {
  if (result.ok) {
    const verb =
      action === 'add'
        ? result.changed
          ? 'added to'
          : 'already on'
        : result.changed
          ? 'removed from'
          : 'not on';
    console.log(`${result.phone} ${verb} ${list}`);
    return 0;
  }
  if (result.reason === 'campaignNotFound') console.error(`dnc: no such campaign`);
  else console.error(`dnc ${action}: ${phone}: ${result.message}`);
  return 1;
}
