// Preloaded with `node --import` in a child process: when the process exits, writes the
// size of each of V8's heap spaces (bytes, as JSON keyed by space name) to the file named
// by DIALSTATE_HEAP_SPACES_FILE, so that a test can see how the heap was sized.
import { writeFileSync } from 'node:fs';
import { getHeapSpaceStatistics } from 'node:v8';

const file = process.env.DIALSTATE_HEAP_SPACES_FILE;
if (file) {
  process.on('exit', () => {
    const spaces = Object.fromEntries(
      getHeapSpaceStatistics().map((space) => [space.space_name, space.space_size]),
    );
    writeFileSync(file, JSON.stringify(spaces));
  });
}
