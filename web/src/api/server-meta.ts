import { type ApiOutput, request } from './api.js';

/** What `GET /api/meta` says: the server's defaults and vocabulary. */
export type ServerMeta = ApiOutput<'/meta', '$get'>;

let loading: Promise<ServerMeta> | null = null;

/**
 * The server's campaign defaults, AMD defaults, outcomes and dial-string placeholders,
 * read once per page load: they change only with the server's version. A failed read is
 * forgotten, so the next caller asks again.
 */
export function loadServerMeta(): Promise<ServerMeta> {
  loading ??= request('$get', '/meta', {}).catch((error: unknown) => {
    loading = null;
    throw error;
  });
  return loading;
}
