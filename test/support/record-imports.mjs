// Preloaded with `node --import` in a child process: registers resolve hooks that append
// every module URL the process resolves to the file named by DIALSTATE_IMPORT_LOG, so a
// test can tell which packages a command loaded.
import { register } from 'node:module';

register('./record-imports-hooks.mjs', import.meta.url);
