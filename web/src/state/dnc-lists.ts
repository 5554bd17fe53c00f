import { apiUrl, type DncPage, request } from '../api/api.js';

type PageQuery = { limit: number; search?: string; after?: string };
type Change = { phone: string; changed: boolean };

/** One do-not-call list, global or a campaign's, as the DNC page works with it. */
export interface DncList {
  page(query: PageQuery): Promise<DncPage>;
  add(phone: string, reason?: string): Promise<Change>;
  remove(phone: string): Promise<Change>;
  /** Where a CSV of numbers is posted (multipart). */
  importUrl: string;
}

/**
 * The list a campaign id names, or the global list for null. The API has the same calls
 * under `/dnc` and `/campaigns/{id}/dnc`; this keeps the page from branching on each.
 */
export function dncList(campaignId: string | null): DncList {
  if (campaignId === null) {
    return {
      page: (query) => request('$get', '/dnc', { query }),
      add: (phone, reason) => request('$post', '/dnc', { json: { phone, reason } }),
      remove: (phone) => request('$delete', '/dnc', { query: { phone } }),
      importUrl: apiUrl('/dnc/import'),
    };
  }
  const param = { id: campaignId };
  return {
    page: (query) => request('$get', '/campaigns/:id/dnc', { param, query }),
    add: (phone, reason) =>
      request('$post', '/campaigns/:id/dnc', { param, json: { phone, reason } }),
    remove: (phone) => request('$delete', '/campaigns/:id/dnc', { param, query: { phone } }),
    importUrl: apiUrl('/campaigns/:id/dnc/import', param),
  };
}
