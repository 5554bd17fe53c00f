import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The package's root folder: the nearest folder holding a package.json above `moduleUrl`.
 * It finds the same root whether the module runs from `src/` (tsx), from the bundle in
 * `dist/src/`, or from a bundle placed deeper (the tests' build under node_modules/.cache),
 * so files shipped beside the code (`assets/`, `dist/web/`) are found from any of them.
 */
export function packageRoot(moduleUrl: string): string {
  const start = dirname(fileURLToPath(moduleUrl));
  let dir = start;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) return start;
    dir = parent;
  }
  return dir;
}
