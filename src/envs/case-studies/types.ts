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

/** A realistic mistake: the careful pipeline with one step skipped or done the common wrong way. */
export interface Mistake {
  name: string;
  /** the trap it falls into, in words (never a truth value) */
  trap: string;
  analyse: Analysis;
}

/** A legitimate analysis that differs from the reference in a defensible choice. */
export interface Alternative {
  name: string;
  /** the choice it makes differently, in words */
  choice: string;
  analyse: Analysis;
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
  /**
   * The trap matrix: for each trap the prompt, rubric or design notes name, one *realistic*
   * mistaken analysis (the reference pipeline, done just as carefully, with exactly that one step
   * skipped or done the common wrong way). Each must fail (binary, all fields) on >= 95% of
   * served instances; `npm run bench:cases` measures it and CI checks it on a few seeds.
   */
  naive: Mistake[];
  /**
   * Defensible alternatives: analyses that differ from the reference only in legitimate choices
   * (estimator, weighting, model family...). Each must pass >= 95% of served instances.
   */
  alternatives?: Alternative[];
  /**
   * Uninformed "choice" baselines for fields that are a choice (a locus, a founder, a class):
   * the choice read from metadata alone (ids, annotations, file or row order), never from the
   * measurements; other fields filled with the best constant. Each must pass <= 2%.
   */
  metadataGuesses?: { name: string; analyse: Analysis }[];
  /**
   * The serving rule on properties of the simulated data (power, identifiability), never on
   * any estimator's success: null accepts, a string is the rejection reason (the sub-seed is
   * re-drawn). A case that defines it is served without running any analysis at open; a case
   * without it keeps the legacy rule (reference passes and every naive analysis fails).
   */
  accept?(instance: CaseInstance): string | null;
  /** reasoning rubric: items with offline regex pre-checks */
  rubric: { id: string; description: string; weight: number; patterns?: string[] }[];
  /** rubric red flags (e.g. "univariable MR as final"); any match caps the reasoning score */
  redFlags?: { id: string; description: string; patterns?: string[] }[];
  /** optional checks on the agent's own numbers; a null value means the field is missing */
  consistency?(values: Record<string, number | null>): ConsistencyCheck[];
  /** non-secret notes for the rubric judge (the trap list; never truth values) */
  designNotes?: string;
}
