import { createSignal } from 'solid-js';

const [location_, setLocation] = createSignal(currentLocation());

function currentLocation(): string {
  return globalThis.location === undefined
    ? '/'
    : `${globalThis.location.pathname}${globalThis.location.search}`;
}

globalThis.addEventListener?.('popstate', () => setLocation(currentLocation()));

/** The current path and query (`/campaigns/c1?tab=leads`), as a signal. */
export const currentPath = () => location_().split('?')[0] ?? '/';

/** The current query string's parameters. */
export const currentQuery = () => new URLSearchParams(location_().split('?')[1] ?? '');

/** Goes to another page of the app without reloading it. */
export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (options.replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  setLocation(currentLocation());
  window.scrollTo(0, 0);
}

/**
 * Matches a path against a pattern with `:name` segments; returns the parameters, or
 * null when it does not match.
 */
export function matchPath(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split('/').filter(Boolean);
  const got = path.split('/').filter(Boolean);
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (const [i, segment] of want.entries()) {
    const actual = got[i] ?? '';
    if (segment.startsWith(':')) params[segment.slice(1)] = decodeURIComponent(actual);
    else if (segment !== actual) return null;
  }
  return params;
}
