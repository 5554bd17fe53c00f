/**
 * Resolves in a later turn of the event loop (`setImmediate`), after the timers, I/O and
 * HTTP requests already waiting have run. A promise that resolves at once (a synchronous
 * SQLite call behind an async port, a batch already queued by the reading thread) only
 * queues a microtask, and microtasks all run before the loop moves on: an import that
 * awaited nothing else would stage batch after batch in one turn while calls wait.
 */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
