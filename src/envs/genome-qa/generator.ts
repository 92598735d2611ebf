// Deterministic, index-addressed task generation with no repeats. Task i of a split belongs to
// domain (i mod D) among the domains the assembly supports for that split, unless that domain
// has run out of distinct tasks (see SplitPlan); its randomness comes only from (assembly, seed,
// split, domain, kind, attempt). Within a split no two tasks share a question, an identity key
// or a (kind, source) pair, which needs the split's earlier tasks: the plan is built once from
// index 0 and memoised, so the first read of task i costs the tasks before it. Train and test are
// disjoint by construction: every candidate's identity key is hashed into one of two
// partitions, and each split only accepts its own, so no question can appear in both.

import type { AssemblyApi } from '../../genome/types.js';
import { GenContext, hasBandTable, hasGeneTable } from './context.js';
import { ALL_DOMAINS } from './domains/index.js';
import { hashString, Rng } from './rng.js';
import type { Domain, DomainKind, DomainName, Draft, GeneratedTask } from './types.js';

export const TRAIN_PER_DOMAIN = 100;
const MAX_ATTEMPTS = 400;
/** per block of a large split: candidate draws owned by other blocks before a kind counts as out */
const OWNER_MISSES = 20;
/**
 * Cap on those misses: past 100 blocks (100,000 tasks), kinds drawn without a sequence window
 * (gene, band and chromosome questions) thin out in a block rather than cost seconds per task;
 * a thinned kind is reported as run out for that block.
 */
const MAX_OWNER_MISSES = 2000;

export interface GeneratorOptions {
  seed?: number;
  /** restrict to these domains (default: every domain the assembly supports) */
  domains?: DomainName[];
  /**
   * The split's size, when it may exceed BLOCK: a large split is cut into blocks of BLOCK tasks
   * that each own a hash class of loci and keys, so task i costs at most its own block.
   * Without it a split is one block (built from index 0 up to the highest index read).
   */
  splitSize?: (split: string) => number | Promise<number>;
}

/** Tasks per block of a large split. */
export const BLOCK = 1000;

export class TaskGenerator {
  readonly ctx: GenContext;
  readonly seed: number;
  readonly domains: { domain: Domain; kinds: DomainKind[] }[];
  /** domains skipped because the assembly lacks their data, with why */
  readonly unsupported: { domain: DomainName; reason: string }[] = [];
  private cache = new Map<string, Promise<GeneratedTask>>();
  private splitDomains = new Map<string, Promise<{ domain: Domain; kinds: DomainKind[] }[]>>();
  private plans = new Map<string, Promise<SplitPlan>>();
  private splitSize?: (split: string) => number | Promise<number>;

  constructor(asm: AssemblyApi, opts: GeneratorOptions = {}) {
    this.ctx = new GenContext(asm);
    this.seed = opts.seed ?? 0;
    this.splitSize = opts.splitSize;
    this.domains = [];
    for (const d of ALL_DOMAINS) {
      if (opts.domains && !opts.domains.includes(d.name)) continue;
      const kinds = d.kinds.filter((k) => k.supports(this.ctx));
      if (kinds.length > 0) this.domains.push({ domain: d, kinds });
      else if (d.name === 'cytoband_mapping' && !hasBandTable(asm)) this.unsupported.push({ domain: d.name, reason: `assembly ${asm.name} has no cytoBand table` });
      else if (!hasGeneTable(asm)) this.unsupported.push({ domain: d.name, reason: `assembly ${asm.name} has no gene table` });
      else this.unsupported.push({ domain: d.name, reason: 'the assembly lacks the data its questions need' });
    }
    if (this.domains.length === 0) throw new Error(`assembly ${asm.name} supports no genome-QA domain`);
  }

  get assemblyName(): string {
    return this.ctx.asm.name;
  }

  /**
   * The domains a split can draw from: those with at least one candidate in the split's
   * partition (a tiny fixture may have, say, a single eligible gene, whose questions all hash
   * to the other split). Probed once per split with the same deterministic attempts.
   */
  domainsFor(split: string): Promise<{ domain: Domain; kinds: DomainKind[] }[]> {
    let p = this.splitDomains.get(split);
    if (!p) {
      p = (async () => {
        const want = split === 'test' ? 1 : 0;
        const out: { domain: Domain; kinds: DomainKind[] }[] = [];
        for (const entry of this.domains) {
          for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            const rng = new Rng(`${this.assemblyName}|${this.seed}|probe|${split}|${entry.domain.name}|${attempt}`);
            const draft = await rng.pick(entry.kinds).generate(this.ctx, rng);
            if (draft && TaskGenerator.partitionOf(`${entry.domain.name}|${draft.key}`) === want) {
              out.push(entry);
              break;
            }
          }
        }
        if (out.length === 0) throw new Error(`assembly ${this.assemblyName} has no genome-QA task for split ${split}`);
        return out;
      })();
      this.splitDomains.set(split, p);
    }
    return p;
  }

  async domainOf(split: string, index: number): Promise<DomainName> {
    return (await this.task(split, index)).domain;
  }

  /** Which partition (0 = train, 1 = test) a candidate identity belongs to. */
  static partitionOf(key: string): 0 | 1 {
    return (hashString(`partition|${key}`) & 1) as 0 | 1;
  }

  /** The task at (split, index); memoised (bounded) because `open` regenerates it. */
  task(split: string, index: number): Promise<GeneratedTask> {
    const k = `${split}|${index}`;
    let p = this.cache.get(k);
    if (!p) {
      p = this.build(split, index);
      this.remember(k, p);
    }
    return p;
  }

  private remember(k: string, p: Promise<GeneratedTask>): void {
    if (this.cache.size > 5000) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(k, p);
    p.catch(() => this.cache.delete(k));
  }

  /**
   * How the first `n` tasks of a split spread over domains and kinds (building them if needed),
   * and the kinds (or domains) that ran out of distinct tasks, with how many they had.
   */
  async distinctReport(split: string, n: number): Promise<DistinctReport> {
    const counts: Record<string, Record<string, number>> = {};
    const shortfalls: DistinctReport['shortfalls'] = [];
    let tasks = 0;
    for (let b = 0; n > 0; b++) {
      const plan = await this.plan(split, b * BLOCK);
      const upto = plan.blocks === 1 ? n : Math.min(n, (b + 1) * BLOCK);
      try {
        await plan.ensure(upto - 1 - plan.base);
      } catch {
        // a split larger than the assembly holds: report what was built
      }
      for (let i = plan.base; i < Math.min(upto, plan.base + plan.length); i++) {
        const d = plan.domains[plan.domainAt(i - plan.base)];
        const kind = d.kinds[plan.kindAt(i - plan.base)].name;
        (counts[d.domain.name] ??= {})[kind] = (counts[d.domain.name]?.[kind] ?? 0) + 1;
        tasks++;
      }
      shortfalls.push(...plan.shortfalls.map((x) => (plan.blocks > 1 ? { ...x, block: b } : x)));
      if (plan.blocks === 1 || upto >= n || plan.base + plan.length < upto) break;
    }
    return { split, tasks, counts, shortfalls };
  }

  /** The plan of the block holding `index`. */
  private async plan(split: string, index: number): Promise<SplitPlan> {
    const size = this.splitSize ? await this.splitSize(split) : 0;
    const blocks = Math.max(1, Math.ceil(size / BLOCK));
    const b = blocks === 1 ? 0 : Math.floor(index / BLOCK);
    const k = `${split}|${blocks}|${b}`;
    let p = this.plans.get(k);
    if (!p) {
      p = this.domainsFor(split).then((domains) => new SplitPlan(this, split, domains, b, blocks));
      if (this.plans.size > 64) this.plans.delete(this.plans.keys().next().value!);
      this.plans.set(k, p);
    }
    return p;
  }

  /** The rng of one attempt of one kind: a pure function of (assembly, seed, split, domain, kind, attempt). */
  attemptRng(split: string, block: number, domain: DomainName, kind: string, attempt: number): Rng {
    return new Rng(`${this.assemblyName}|${this.seed}|${split}|${block ? `b${block}|` : ''}${domain}|${kind}|${attempt}`);
  }

  private async build(split: string, index: number): Promise<GeneratedTask> {
    const plan = await this.plan(split, index);
    const draft = await plan.draftAt(index - plan.base);
    return {
      ...draft,
      id: `genome-qa/${this.assemblyName}/s${this.seed}/${split}/${index}`,
      split,
      index,
      domain: plan.domains[plan.domainAt(index - plan.base)].domain.name,
    };
  }
}

export interface DistinctReport {
  split: string;
  tasks: number;
  /** domain -> kind -> tasks */
  counts: Record<string, Record<string, number>>;
  /** kinds and domains that ran out of distinct tasks (their later slots went to other kinds or domains) */
  shortfalls: { domain: DomainName; kind: string | null; distinct: number; block?: number }[];
}

/**
 * The order of a split's tasks (of one block of a large split), built once from its first index upwards and memoised as three small
 * numbers per task (domain, kind, attempt), so any built task can be regenerated on its own.
 * Task i prefers domain (i mod D); inside a domain, kinds take turns. A kind whose next
 * candidate repeats a question or a (kind, source) identity already in the split (or falls in
 * the other split's partition) tries again; after MAX_ATTEMPTS failures in a row it is out of
 * distinct tasks and the other kinds of its domain take its turns; a domain whose kinds are
 * all out hands its turns to the next domain. Nothing is ever repeated: a split larger than
 * the assembly can supply fails at the first index it cannot fill. In a split of several
 * blocks, a block accepts only candidates whose locus (chrom:start-end of the source) or key
 * hashes to it, so two blocks can never hold the same task.
 */
class SplitPlan {
  readonly shortfalls: { domain: DomainName; kind: string | null; distinct: number }[] = [];
  private dom = new Uint8Array(1024);
  private kin = new Uint8Array(1024);
  private att = new Uint32Array(1024);
  length = 0;
  private seen = new Set<number>();
  private nextAttempt: number[][];
  private kindDone: boolean[][];
  private kindCount: number[][];
  private turn: number[];
  private domainDone: boolean[];
  private building: Promise<void> = Promise.resolve();
  /** drafts found while building, handed to the first reader (the task cache keeps them after) */
  private fresh = new Map<number, Draft>();

  readonly base: number;

  constructor(
    private gen: TaskGenerator,
    readonly split: string,
    readonly domains: { domain: Domain; kinds: DomainKind[] }[],
    readonly block: number,
    readonly blocks: number,
  ) {
    this.base = block * BLOCK;
    this.nextAttempt = domains.map((d) => d.kinds.map(() => 0));
    this.kindDone = domains.map((d) => d.kinds.map(() => false));
    this.kindCount = domains.map((d) => d.kinds.map(() => 0));
    this.turn = domains.map(() => 0);
    this.domainDone = domains.map(() => false);
  }

  domainAt(i: number): number {
    return this.dom[i];
  }
  kindAt(i: number): number {
    return this.kin[i];
  }

  /** Builds the plan up to and including index i (serialised: one builder at a time). */
  ensure(i: number): Promise<void> {
    if (i < this.length) return Promise.resolve();
    const run = this.building.then(async () => {
      while (this.length <= i) await this.extend();
    });
    this.building = run.catch(() => undefined); // a split too large for the assembly fails its own readers only
    return run;
  }

  async draftAt(i: number): Promise<Draft> {
    await this.ensure(i);
    const fresh = this.fresh.get(i);
    if (fresh) {
      this.fresh.delete(i);
      return fresh;
    }
    const { domain, kinds } = this.domains[this.dom[i]];
    const kind = kinds[this.kin[i]];
    const draft = await kind.generate(this.gen.ctx, this.rng(domain.name, kind.name, this.att[i]));
    if (!draft) throw new Error(`genome-qa: regenerating ${this.split}[${i}] gave nothing (generation is not deterministic)`);
    return draft;
  }

  private rng(domain: DomainName, kind: string, attempt: number): Rng {
    const rng = this.gen.attemptRng(this.split, this.block, domain, kind, attempt);
    if (this.blocks > 1) {
      rng.owns = (locus) => this.owns(locus);
      rng.ownerTag = `${this.blocks}|${this.block}`;
    }
    return rng;
  }

  private owns(locus: string): boolean {
    return hash53(`owner|${locus}`) % this.blocks === this.block;
  }

  /** The locus a draft asks about (its source's chrom:start-end), else its domain and key. */
  private ownerOf(domain: DomainName, draft: Draft): string {
    const { chrom, start, end } = draft.source as { chrom?: unknown; start?: unknown; end?: unknown };
    if (typeof chrom === 'string' && typeof start === 'number' && typeof end === 'number') return `${chrom}:${start}-${end}`;
    return `${domain}|${draft.key}`;
  }

  private async extend(): Promise<void> {
    if (this.blocks > 1 && this.length >= BLOCK) throw new Error(`genome-qa: block ${this.block} of split ${this.split} is full`);
    const i = this.length;
    const D = this.domains.length;
    for (let t = 0; t < D; t++) {
      const d = (this.base + i + t) % D;
      if (this.domainDone[d]) continue;
      const got = await this.nextOfDomain(d);
      if (!got) continue;
      this.push(d, got.kind, got.attempt);
      if (this.fresh.size > 2000) this.fresh.delete(this.fresh.keys().next().value!);
      this.fresh.set(i, got.draft);
      return;
    }
    throw new Error(
      `genome-qa: assembly ${this.gen.assemblyName} has only ${this.base + i} distinct tasks for split ${this.split}${this.blocks > 1 ? ` in block ${this.block}` : ''} (a task is never repeated); use a smaller split size`,
    );
  }

  private push(d: number, k: number, a: number): void {
    if (this.length === this.dom.length) {
      const grow = <T extends Uint8Array | Uint32Array>(x: T, make: (n: number) => T): T => {
        const y = make(x.length * 2);
        y.set(x);
        return y;
      };
      this.dom = grow(this.dom, (n) => new Uint8Array(n));
      this.kin = grow(this.kin, (n) => new Uint8Array(n));
      this.att = grow(this.att, (n) => new Uint32Array(n));
    }
    this.dom[this.length] = d;
    this.kin[this.length] = k;
    this.att[this.length] = a;
    this.length++;
  }

  private async nextOfDomain(d: number): Promise<{ kind: number; attempt: number; draft: Draft } | null> {
    const K = this.domains[d].kinds.length;
    for (let t = 0; t < K; t++) {
      const k = (this.turn[d] + t) % K;
      if (this.kindDone[d][k]) continue;
      const got = await this.nextOfKind(d, k);
      if (got) {
        this.turn[d] = (k + 1) % K;
        this.kindCount[d][k]++;
        return { kind: k, ...got };
      }
      this.kindDone[d][k] = true;
      this.shortfalls.push({ domain: this.domains[d].domain.name, kind: this.domains[d].kinds[k].name, distinct: this.kindCount[d][k] });
    }
    this.domainDone[d] = true;
    this.shortfalls.push({ domain: this.domains[d].domain.name, kind: null, distinct: this.kindCount[d].reduce((a, b) => a + b, 0) });
    return null;
  }

  private async nextOfKind(d: number, k: number): Promise<{ attempt: number; draft: Draft } | null> {
    const { domain, kinds } = this.domains[d];
    const kind = kinds[k];
    const want = this.split === 'test' ? 1 : 0;
    // a candidate another block owns is a cheap miss with its own, larger budget
    for (let fails = 0, misses = 0; fails < MAX_ATTEMPTS && misses < Math.min(OWNER_MISSES * this.blocks, MAX_OWNER_MISSES); fails++) {
      const attempt = this.nextAttempt[d][k]++;
      const draft = await kind.generate(this.gen.ctx, this.rng(domain.name, kind.name, attempt));
      if (!draft || TaskGenerator.partitionOf(`${domain.name}|${draft.key}`) !== want) continue;
      if (this.blocks > 1 && !this.owns(this.ownerOf(domain.name, draft))) {
        misses++;
        fails--;
        continue;
      }
      const ids = [`k|${domain.name}|${draft.key}`, `q|${draft.question}`, `s|${draft.kind}|${JSON.stringify(draft.source)}`].map(hash53);
      if (ids.some((h) => this.seen.has(h))) continue;
      for (const h of ids) this.seen.add(h);
      return { attempt, draft };
    }
    return null;
  }
}

/**
 * 53-bit hash of a string (two 32-bit FNV-1a lanes), for the split's seen-sets. A collision can
 * only make a candidate look repeated and be skipped, never let a repeat through.
 */
function hash53(s: string): number {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  return (a >>> 0) * 0x200000 + ((b >>> 0) & 0x1fffff);
}
