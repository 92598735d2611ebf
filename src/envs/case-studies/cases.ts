// The case studies the `case-studies` environment serves, in casestudy-specs.md order.
// Case authors: add one import and one array entry per case.

import type { CaseStudy } from './types.js';
import { oncologyTxr1 } from './oncology-txr1/index.js';
import { crisprLinc473 } from './crispr-linc473/index.js';
import { cisMvmr } from './cis-mvmr/index.js';
import { carrierDrx1 } from './carrier-drx1/index.js';
import { scEqtlCxcl10 } from './sc-eqtl-cxcl10/index.js';
import { nestedSvLocusQ } from './nested-sv-locusq/index.js';
import { admixtureTiming } from './admixture-timing/index.js';
import { hicLoop } from './hic-loop/index.js';
import { mppQtl } from './mpp-qtl/index.js';
import { adnaSelection } from './adna-selection/index.js';

export const caseStudies: CaseStudy[] = [oncologyTxr1, crisprLinc473, cisMvmr, carrierDrx1, scEqtlCxcl10, nestedSvLocusQ, hicLoop, mppQtl, admixtureTiming, adnaSelection];

export function findCase(id: string, cases: readonly CaseStudy[] = caseStudies): CaseStudy | undefined {
  return cases.find((c) => c.id === id);
}
