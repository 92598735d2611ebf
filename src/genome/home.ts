// Where genegym keeps assemblies and caches: $GENEGYM_HOME, else ~/.genegym.

import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export function genegymHome(override?: string): string {
  return resolve(override ?? process.env.GENEGYM_HOME ?? join(homedir(), '.genegym'));
}

/** Directory of a named assembly inside the home (e.g. ~/.genegym/assemblies/hg38). */
export function assemblyDir(name: string, home?: string): string {
  if (!/^[A-Za-z0-9_.-]+$/.test(name)) throw new Error(`bad assembly name: ${name}`);
  return join(genegymHome(home), 'assemblies', name);
}
