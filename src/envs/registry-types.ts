import type { Environment } from '../ors/environment.js';

/** Options `genegym serve` passes to every environment loader. */
export interface EnvOptions {
  /** assembly name (`demo`, `hg38`) or directory; default `demo` */
  assembly?: string;
  /** GENEGYM_HOME: where assemblies, caches and runs live (default ~/.genegym) */
  home?: string;
  /** sandbox mode for environments that execute agent code */
  sandbox?: 'bwrap' | 'none';
  /** free-form per-environment settings (`--env-opt key=value`) */
  settings?: Record<string, string>;
}

/** A named environment the CLI can load on demand (loading may build data, so it is lazy). */
export interface EnvironmentEntry {
  name: string;
  description: string;
  load(opts: EnvOptions): Promise<Environment>;
  /** Served by a bare `genegym serve` (no --env); default true. */
  servedByDefault?: boolean;
}
