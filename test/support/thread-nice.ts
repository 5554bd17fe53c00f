import { readdirSync, readFileSync } from 'node:fs';

/** The nice value of each thread of this process (Linux: field 19 of its `stat`). */
export function threadNiceValues(): number[] {
  return readdirSync('/proc/self/task').flatMap((task) => {
    try {
      const stat = readFileSync(`/proc/self/task/${task}/stat`, 'utf8');
      // After the command name, which may hold spaces: field 3 (state) onwards.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return [Number(fields[19 - 3])];
    } catch {
      return []; // the thread ended meanwhile
    }
  });
}
