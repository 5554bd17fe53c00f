import { ApiFailure } from './api-failure.js';
import { authHeaders } from './api-token.js';
import { markTokenNeeded } from './auth-state.js';

/**
 * POSTs a form with XMLHttpRequest (fetch cannot report upload progress), calling
 * `onProgress` with the fraction sent; resolves with the status and JSON body of a 2xx,
 * or rejects with an ApiFailure carrying the API's error.
 */
export function uploadForm(
  url: string,
  form: FormData,
  onProgress: (fraction: number) => void,
): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    for (const [name, value] of Object.entries(authHeaders())) xhr.setRequestHeader(name, value);
    xhr.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    });
    xhr.addEventListener('load', () => {
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        // Not JSON; the status says enough below.
      }
      if (xhr.status >= 200 && xhr.status < 300) return resolve({ status: xhr.status, body });
      if (xhr.status === 401) markTokenNeeded();
      const error = (body as { error?: { code?: string; message?: string; details?: unknown } })
        ?.error;
      reject(
        new ApiFailure(
          xhr.status,
          error?.code ?? 'unknown',
          error?.message ?? `the server answered ${xhr.status}`,
          error?.details,
        ),
      );
    });
    xhr.addEventListener('error', () =>
      reject(new ApiFailure(0, 'network', 'could not reach the server')),
    );
    xhr.send(form);
  });
}
