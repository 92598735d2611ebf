// Who owns a lock or a directory: a pid plus that process's start time, since pids are reused.
// One reader of /proc/<pid>/stat for every owner check (fetch locks, uid blocks, workspace roots).

import { readFileSync } from 'node:fs';

/** Start time of a process in clock ticks since boot (/proc/<pid>/stat field 22), or null when it does not exist. */
export function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm (field 2) may contain spaces and parentheses: count fields after the last ')'
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}
