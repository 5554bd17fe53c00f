import type { LeadListRow } from '../control/lead-reads.js';
import type { LeadIssue } from '../intake/lead-input.js';

/** A lead as the API shows it: its import position is the store's business. */
export function leadView(row: LeadListRow) {
  const { importSeq: _, ...view } = row;
  return view;
}

/** The API's name of each field a lead issue names by its CSV column. */
const FIELD_PATHS: Record<string, string> = {
  phone: 'body.phone',
  name: 'body.name',
  timezone: 'body.timezone',
  caller_id: 'body.callerId',
  custom_vars: 'body.customVars',
};
/** Where in a request body a lead issue is (`body.callerId` for the `caller_id` column). */
export const issuePath = (issue: LeadIssue): string =>
  issue.field === null ? 'body' : (FIELD_PATHS[issue.field] ?? `body.${issue.field}`);
