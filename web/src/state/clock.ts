import { createSignal } from 'solid-js';

const [now, setNow] = createSignal(Date.now());
let ticking = false;

/**
 * The browser's time, updated every second, for clocks on screen. Only the display
 * ticks; data comes from the server's live feed, never from polling.
 */
export function wallClock(): () => number {
  if (!ticking) {
    ticking = true;
    setInterval(() => setNow(Date.now()), 1_000);
  }
  return now;
}
