// The environments `genegym serve` knows, loaded lazily (loading may build data).
// The first entry is the default environment of a server that serves them all.

import type { EnvironmentEntry } from './registry-types.js';
import { arithmeticEntry } from './example/index.js';
import { caseStudiesEntry } from './case-studies/entry.js';
import { genomeQaEntry } from './genome-qa/entry.js';

export const environments: EnvironmentEntry[] = [arithmeticEntry, caseStudiesEntry, genomeQaEntry];

export function findEnvironment(name: string): EnvironmentEntry | undefined {
  const wanted = name.toLowerCase();
  return environments.find((e) => e.name === wanted);
}
