import { afterAll, afterEach } from 'vitest';

/**
 * Undo what a test set up, after each test (or once after the file, with `'all'`), newest
 * first: what was started last (dialstate) stops before what it runs against (the
 * simulator), and the folder they both used goes last. Register each thing as soon as it
 * exists, so that a test failing half-way still leaves nothing running.
 */
export function useCleanup(when: 'each' | 'all' = 'each'): (undo: () => unknown) => void {
  const undos: (() => unknown)[] = [];
  (when === 'each' ? afterEach : afterAll)(async () => {
    for (let undo = undos.pop(); undo; undo = undos.pop()) await undo();
  });
  return (undo) => {
    undos.push(undo);
  };
}
