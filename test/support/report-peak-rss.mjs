// Preloaded with `node --import` in a child process: when the process exits, writes its
// peak resident memory (KiB, getrusage's ru_maxrss) to the file named by
// DIALSTATE_PEAK_RSS_FILE, so that a test can bound what a command costs.
import { writeFileSync } from 'node:fs';

const file = process.env.DIALSTATE_PEAK_RSS_FILE;
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
