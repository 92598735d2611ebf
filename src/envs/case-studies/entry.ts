// Registry entry for `case-studies`; the environment's modules load only when it is served.

import type { EnvironmentEntry } from '../registry-types.js';

export const caseStudiesEntry: EnvironmentEntry = {
  name: 'case-studies',
  description: 'Simulated genomics case studies: analyse staged files in a bubblewrap sandbox, answer in strict JSON, graded against calibrated tolerances',
  load: async (opts) => (await import('./index.js')).loadCaseStudies(opts),
};
