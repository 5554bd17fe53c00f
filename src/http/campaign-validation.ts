import { checkAmdParameters } from '../campaign/amd-parameters.js';
import { validateCallingWindow } from '../campaign/calling-window.js';
import type { CampaignSettings } from '../campaign/campaign.js';
import type { ValidationIssue } from './api-error.js';

/**
 * Checks of settings that span fields, beyond what the schema checks field by field.
 * Incomplete campaigns may be saved (consent on without a recording yet): starting one
 * is what checks it is ready (`checkStartPreconditions`).
 */
export function checkCampaignSettings(settings: CampaignSettings): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const message of validateCallingWindow(settings))
    issues.push({ path: 'body.window', message });
  for (const message of checkAmdParameters(settings.amd))
    issues.push({ path: 'body.amd', message });
  return issues;
}

/** The references a campaign's settings hold, by where they are in a request body. */
const RECORDING_REFERENCES = [
  ['body.consent.recordingId', (s: Partial<CampaignSettings>) => s.consent?.recordingId],
  ['body.voicemail.recordingId', (s: Partial<CampaignSettings>) => s.voicemail?.recordingId],
  ['body.optOutRecordingId', (s: Partial<CampaignSettings>) => s.optOutRecordingId],
  ['body.safeHarbourRecordingId', (s: Partial<CampaignSettings>) => s.safeHarbourRecordingId],
] as const;

/**
 * Every recording the settings (a new campaign's, or a change's) name but the library does
 * not hold, as issues at their place in the body: checked before writing, so that a
 * wrong id is a 400 naming the field rather than the database's foreign-key failure.
 */
export async function checkCampaignReferences(
  settings: Partial<CampaignSettings>,
  recordingExists: (id: string) => Promise<boolean>,
): Promise<ValidationIssue[]> {
  const issues: ValidationIssue[] = [];
  for (const [path, read] of RECORDING_REFERENCES) {
    const id = read(settings);
    if (id === null || id === undefined || (await recordingExists(id))) continue;
    issues.push({
      path,
      message: `no recording has the id "${id}"; upload it first or pick one of GET /api/recordings`,
    });
  }
  return issues;
}
