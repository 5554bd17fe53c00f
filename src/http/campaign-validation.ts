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
