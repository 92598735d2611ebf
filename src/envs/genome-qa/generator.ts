// Deterministic, index-addressed task generation. Task i of a split belongs to domain
// (i mod D) among the domains the assembly supports for that split; its randomness comes only from
// (assembly, seed, split, i, attempt). Train and test are disjoint by construction: every
// candidate's identity key is hashed into one of two partitions, and each split only accepts
// its own partition, so no question can appear in both whatever their sizes.

import type { AssemblyApi } from '../../genome/types.js';
import { GenContext } from './context.js';
import { ALL_DOMAINS } from './domains/index.js';
import { hashString, Rng } from './rng.js';
import type { Domain, DomainKind, DomainName, GeneratedTask } from './types.js';

export const TRAIN_PER_DOMAIN = 100;
const MAX_ATTEMPTS = 400;

export interface GeneratorOptions {
  seed?: number;
  /** restrict to these domains (default: every domain the assembly supports) */
  domains?: DomainName[];
}

export class TaskGenerator {
  readonly ctx: GenContext;
  readonly seed: number;
  readonly domains: { domain: Domain; kinds: DomainKind[] }[];
  /** domains skipped because the assembly lacks their data, with why */
  readonly unsupported: { domain: DomainName; reason: string }[] = [];
  private cache = new Map<string, Promise<GeneratedTask>>();
  private splitDomains = new Map<string, Promise<{ domain: Domain; kinds: DomainKind[] }[]>>();

  constructor(asm: AssemblyApi, opts: GeneratorOptions = {}) {
    this.ctx = new GenContext(asm);
    this.seed = opts.seed ?? 0;
    this.domains = [];
    for (const d of ALL_DOMAINS) {
      if (opts.domains && !opts.domains.includes(d.name)) continue;
      const kinds = d.kinds.filter((k) => k.supports(this.ctx));
      if (kinds.length > 0) this.domains.push({ domain: d, kinds });
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
    const list = await this.domainsFor(split);
    return list[index % list.length].domain.name;
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
      if (this.cache.size > 5000) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(k, p);
      p.catch(() => this.cache.delete(k));
    }
    return p;
  }

  private async build(split: string, index: number): Promise<GeneratedTask> {
    const list = await this.domainsFor(split);
    const { domain, kinds } = list[index % list.length];
    const want = split === 'test' ? 1 : 0;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const rng = new Rng(`${this.assemblyName}|${this.seed}|${split}|${index}|${attempt}`);
      const kind = rng.pick(kinds);
      const draft = await kind.generate(this.ctx, rng);
      if (!draft) continue;
      if (TaskGenerator.partitionOf(`${domain.name}|${draft.key}`) !== want) continue;
      return {
        ...draft,
        id: `genome-qa/${this.assemblyName}/s${this.seed}/${split}/${index}`,
        split,
        index,
        domain: domain.name,
      };
    }
    throw new Error(`could not generate a ${domain.name} task for ${split}[${index}] after ${MAX_ATTEMPTS} attempts`);
  }
}
