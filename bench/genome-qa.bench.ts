// npm run bench:genome-qa [-- --demo-only] [--solve] [--baselines]
// 0. On the demo assembly: both default splits (1,000 tasks each) from a cold generator, with
//    the generation time per 1,000 tasks, the distinct questions per split and the tasks per
//    domain/kind, and the kinds or domains that ran out of distinct tasks (--demo-only stops here).
// 1. Generates the default 1,000-task train split on a synthetic assembly of human size
//    (~3.1 Gb, 25 chromosomes, ~20,000 genes; built once by the demo builder and cached) and
//    reports wall time and peak RSS. Goal: < 60 s and < 1.5 GB on 2 cores.
// 2. Times fetch_url (through the environment's tool, offline mirror) for 10 kb sequence
//    requests. Goal: p99 < 5 ms.
// 3. With --solve, runs the tool-only solver over the whole train split of the (small) demo
//    assembly and reports its score.
// 4. With --baselines (then only this runs), answers that never looked at the assembly, graded by
//    the programmatic grader an agent's submit_answer takes, on the 1,000 test tasks of the demo
//    assembly and, when ../shared/data/hg38 is present, of the real-hg38 fixture assembly:
//    per task kind the constant answer learned from the train split (median of numeric fields,
//    mode of the rest) and another test task's answer of the same kind. Pass rates per domain.
// Env: GENEGYM_BENCH_HOME (default $TMPDIR/genegym-bench) holds the cached human-size build.

import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { InProcessEpisode } from '../src/agents/genome-qa/episode.js';
import { runToolSolver } from '../src/agents/genome-qa/solver.js';
import { createGenomeQaEnvironment } from '../src/envs/genome-qa/environment.js';
import { TaskGenerator } from '../src/envs/genome-qa/generator.js';
import { openAssembly } from '../src/genome/assembly.js';
import { buildDemoAssembly, ensureDemoAssembly } from '../src/genome/demo/index.js';

const home = process.env.GENEGYM_BENCH_HOME ?? join(tmpdir(), 'genegym-bench');
const dir = join(home, 'assemblies', 'human-synth');
const mb = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MB`;

if (process.argv.includes('--baselines')) {
  const { guessingBaselines } = await import('./genome-qa-baselines.js');
  await guessingBaselines(home);
  process.exit(0);
}

{
  const demo = await openAssembly(await ensureDemoAssembly({ home }));
  for (const split of ['train', 'test']) {
    const gen = new TaskGenerator(demo);
    const t = performance.now();
    const questions = new Set<string>();
    for (let i = 0; i < 1000; i++) questions.add((await gen.task(split, i)).question);
    const secs = (performance.now() - t) / 1000;
    const r = await gen.distinctReport(split, 1000);
    console.log(`demo ${split}: 1,000 tasks generated in ${secs.toFixed(2)} s (${questions.size} distinct questions)`);
    for (const [d, kinds] of Object.entries(r.counts)) {
      const n = Object.values(kinds).reduce((a, b) => a + b, 0);
      console.log(`  ${d} ${n}: ${Object.entries(kinds).map(([k, c]) => `${k} ${c}`).join(', ')}`);
    }
    for (const s of r.shortfalls) console.log(`  ran out: ${s.domain}${s.kind ? `/${s.kind}` : ' (whole domain)'} after ${s.distinct} distinct tasks`);
  }
  await demo.close();
  if (process.argv.includes('--demo-only')) process.exit(0);
}

if (!existsSync(join(dir, 'assembly.json'))) {
  console.log(`building the human-size synthetic assembly in ${dir} (once) ...`);
  const t = performance.now();
  await buildDemoAssembly(dir, { scale: 'human', name: 'human-synth' });
  console.log(`  built in ${((performance.now() - t) / 1000).toFixed(1)} s`);
}

const rssBefore = process.memoryUsage().rss;
const t0 = performance.now();
const asm = await openAssembly(dir);
const env = createGenomeQaEnvironment({ assembly: asm });
const n = await env.tasks.count('train');
const perDomain = new Map<string, number>();
for (let i = 0; i < n; i++) {
  const t = await env.answerKey('train', i);
  perDomain.set(t.domain, (perDomain.get(t.domain) ?? 0) + 1);
}
const genSeconds = (performance.now() - t0) / 1000;
const peak = process.resourceUsage().maxRSS * 1024;
console.log(`generate: ${n} tasks (${[...perDomain].map(([d, c]) => `${d} ${c}`).join(', ')})`);
console.log(`  on ${asm.name}: ${asm.primaryChromosomes().length} chromosomes, ${[...asm.chromSizes().values()].reduce((a, b) => a + b, 0).toLocaleString()} bp, ${asm.genes().length.toLocaleString()} genes`);
console.log(`  wall ${genSeconds.toFixed(1)} s, peak RSS ${mb(peak)} (RSS before opening ${mb(rssBefore)}); goal < 60 s, < 1.5 GB`);

const ep = await InProcessEpisode.open(env, await env.tasks.get('train', 0));
const chroms = asm.primaryChromosomes().filter((c) => (asm.chromSizes().get(c) ?? 0) > 1_000_000);
// the first read of a chromosome parses its 2bit record (N and mask block tables); time that
// separately from the steady state an agent's episode sees
const cold: number[] = [];
for (const chrom of chroms) {
  const t = performance.now();
  await ep.call('fetch_url', { url: `https://api.genome.ucsc.edu/getData/sequence?genome=${asm.name};chrom=${chrom};start=0;end=10000` });
  cold.push(performance.now() - t);
}
console.log(`fetch_url first request per chromosome (record parse): median ${cold.sort((a, b) => a - b)[Math.floor(cold.length / 2)].toFixed(2)} ms, max ${cold[cold.length - 1].toFixed(2)} ms over ${cold.length} chromosomes`);
const lat: number[] = [];
// CPU time per call too: on a shared, overloaded machine wall-clock p99 mostly measures preemption
const cpu: number[] = [];
for (let i = 0; i < 1000; i++) {
  const chrom = chroms[i % chroms.length];
  const start = 1_000_000 + ((i * 7919) % 500_000);
  const url = `https://api.genome.ucsc.edu/getData/sequence?genome=${asm.name};chrom=${chrom};start=${start};end=${start + 10_000}`;
  const t = performance.now();
  const c = process.cpuUsage();
  const r = await ep.call('fetch_url', { url });
  lat.push(performance.now() - t);
  const d = process.cpuUsage(c);
  cpu.push((d.user + d.system) / 1000);
  if (!r.ok || (r.output.metadata?.status as number) !== 200) throw new Error(`fetch failed for ${url}`);
}
lat.sort((a, b) => a - b);
cpu.sort((a, b) => a - b);
const q = (p: number, xs = lat) => xs[Math.min(xs.length - 1, Math.floor(p * xs.length))].toFixed(2);
console.log(`fetch_url 10 kb sequence, warm (1,000 requests): p50 ${q(0.5)} ms, p99 ${q(0.99)} ms, max ${lat[lat.length - 1].toFixed(2)} ms; goal p99 < 5 ms`);
console.log(`  CPU time per call: p50 ${q(0.5, cpu)} ms, p99 ${q(0.99, cpu)} ms (load average ${(await import('node:os')).loadavg()[0].toFixed(1)} on ${(await import('node:os')).cpus().length} CPUs)`);
await asm.close();

if (process.argv.includes('--solve')) {
  const demo = await openAssembly(await ensureDemoAssembly({ home }));
  const denv = createGenomeQaEnvironment({ assembly: demo });
  for (const split of ['train', 'test']) {
    const total = await denv.tasks.count(split);
    const t = performance.now();
    let ok = 0;
    for (let i = 0; i < total; i++) ok += (await runToolSolver(denv, split, i)).reward;
    console.log(`tool-only solver on demo ${split}: ${ok}/${total} (${((100 * ok) / total).toFixed(1)}%) in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  }
  await demo.close();
}
