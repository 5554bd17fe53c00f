import { apiFetch } from './api.js';
import { loadApiToken } from './api-token.js';

/**
 * Downloads an API file (a CSV export, an error report). Without a token the browser
 * fetches it itself, streaming; with one it is fetched here (a link cannot carry the
 * Authorization header) and handed over as a blob.
 */
export async function downloadFile(url: string, fileName: string): Promise<void> {
  const anchor = document.createElement('a');
  anchor.download = fileName;
  let objectUrl: string | null = null;
  if (loadApiToken() === null) {
    anchor.href = url;
  } else {
    objectUrl = URL.createObjectURL(await (await apiFetch(url)).blob());
    anchor.href = objectUrl;
  }
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  if (objectUrl !== null) setTimeout(() => URL.revokeObjectURL(objectUrl), 10_000);
}
