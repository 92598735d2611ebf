// Shapes shared by the case-study framework and every case. A case is a seeded simulator with
// a known truth, a strict answer schema, a tolerance grader, a reference analysis that recovers
// the truth and naive analyses that fall into the planted traps.

import type { TObject } from '@sinclair/typebox';

/** A file the agent will see in its workspace (relative path, exact bytes). */
export interface CaseFile {
  path: string;
  data: Uint8Array;
}

/** Numeric truth per answer key (ints for code fields). Never leaves the server. */
export type Truth = Record<string, number>;

/** Accepted closed interval per answer key. */
export type Bounds = Record<string, [number, number]>;

export interface CaseInstance {
  caseId: string;
  seed: number;
  /** the sub-seed actually used after calibration re-draws */
  subSeed: number;
  files: CaseFile[];
  truth: Truth;
  bounds: Bounds;
  /** non-secret facts for logs and debugging (sizes, parameters that are not answers) */
  meta: Record<string, unknown>;
}

/** The agent's answer object (`answer` inside `{"answer": {...}, "reasoning": "..."}`). */
export type Answer = Record<string, number>;

/** An analysis reads the instance's files only (never the truth) and returns an answer. */
export type Analysis = (files: ReadonlyMap<string, Uint8Array>) => Answer | Promise<Answer>;

/** A check on the agent's own numbers (e.g. NCU = RD − 0.35·tox); grading counts it like a field. */
export interface ConsistencyCheck {
  id: string;
  ok: boolean;
  detail: string;
}

export interface CaseStudy {
  /** short stable id, e.g. "oncology-txr1" */
  id: string;
  /** 1..10, the order of casestudy-specs.md */
  number: number;
  title: string;
  domain: string;
  /** answer keys in order, with int/float typing, as a typebox object (strict) */
  answerSchema: TObject;
  /** the task text for the agent, in our own words, naming the files */
  prompt(instance: CaseInstance): string;
  /** deterministic simulator: same (seed, subSeed) → byte-identical files and truth */
  simulate(seed: number, subSeed: number): Omit<CaseInstance, 'bounds'>;
  /** [lo, hi] per key for this instance's truth (tolerance rule from calibration) */
  bounds(truth: Truth): Bounds;
  reference: Analysis;
  naive: { name: string; trap: string; analyse: Analysis }[];
  /** reasoning rubric: items with offline regex pre-checks */
  rubric: { id: string; description: string; weight: number; patterns?: string[] }[];
  /** rubric red flags (e.g. "univariable MR as final"); any match caps the reasoning score */
  redFlags?: { id: string; description: string; patterns?: string[] }[];
  /** optional checks on the agent's own numbers; a null value means the field is missing */
  consistency?(values: Record<string, number | null>): ConsistencyCheck[];
  /** non-secret notes for the rubric judge (the trap list; never truth values) */
  designNotes?: string;
}
