import { createSignal } from 'solid-js';

const [needed, setNeeded] = createSignal(false);

/** True once the API has refused a request for want of a (valid) bearer token. */
export const tokenNeeded = needed;

/** Called on any 401 from the API: the shell then asks for the token. */
export function markTokenNeeded(): void {
  setNeeded(true);
}
