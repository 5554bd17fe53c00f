const KEY = 'dialstate.apiToken';

/**
 * The bearer token the API asks for when the server sets DIALSTATE_API_TOKEN, kept in
 * this browser's local storage; null when none was entered.
 */
export function loadApiToken(): string | null {
  try {
    return localStorage.getItem(KEY);
  } catch {
    return null;
  }
}

/** Remembers (or, with null, forgets) the bearer token. */
export function saveApiToken(token: string | null): void {
  if (token === null) localStorage.removeItem(KEY);
  else localStorage.setItem(KEY, token);
}

/** The Authorization header for the stored token, or none. */
export function authHeaders(): Record<string, string> {
  const token = loadApiToken();
  return token === null ? {} : { authorization: `Bearer ${token}` };
}
