import type { RetryPolicy } from '../campaign/retry-policy.js';

/**
 * Most distinct policy texts kept parsed. A server runs a handful of campaigns at once;
 * past the bound the memo starts over rather than growing with every edit of a policy.
 */
const MAX_POLICIES = 64;

const parsed = new Map<string, RetryPolicy>();

/**
 * The retry policy a campaign's `retry` column holds. Every claim reads the column back
 * (it is the campaign's policy as of the claim's own transaction) and the attempt keeps
 * it until it ends: parsed once per distinct text rather than once per claim. The
 * policy is frozen, since every attempt of the campaign shares it.
 */
export function retryPolicyFromColumn(text: string): RetryPolicy {
  const known = parsed.get(text);
  if (known !== undefined) return known;
  const policy = JSON.parse(text) as RetryPolicy;
  Object.freeze(policy.retryAfterMinutes);
  Object.freeze(policy);
  if (parsed.size >= MAX_POLICIES) parsed.clear();
  parsed.set(text, policy);
  return policy;
}
