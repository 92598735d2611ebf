// Case-study calibration sweep: `npm run bench:cases [-- --seeds 200 --case <id> --out <file.md>]`.
//
// For every registered case and seeds 0..N-1 (sub-seed 0, i.e. before any re-draw) it runs the
// simulator, the reference analysis and every naive analysis, and records each field's error
// against the truth. Per field it reports the reference RMSE / bias / max error, the tolerance
// rule max(floor, 3 × RMSE_ref) next to the half-width the case's bounds() actually use, and
// the reference pass rate; per naive analysis, how often it misses each field and how often it
// fails at least one (the serving rule needs this near 100%). Then it applies the full serving
// rule (re-drawing sub-seeds) and reports the share of rejected sub-seeds, and the time of
// simulate, reference and full validation per instance (goal: generate + reference < 3 s), and how
// often each value of an integer field is the truth (before and after the serving rule).
// Writes a markdown report per case (default docs/calibration/<case-id>.md; --out puts every
// case in one file) and prints it. Timings depend on machine load, so the header records it.

import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { caseStudies } from '../src/envs/case-studies/cases.js';
import { CalibrationError, DEFAULT_MAX_ATTEMPTS, filesMap, simulateInstance, validateInstance } from '../src/envs/case-studies/framework/generate.js';
import type { CaseStudy } from '../src/envs/case-studies/types.js';
import { schemaFields } from '../src/grading/json-answer.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const SEEDS = Number(arg('seeds') ?? process.env.BENCH_CASE_SEEDS ?? 200);
const ONLY = arg('case');
const OUT = arg('out');
if (!Number.isSafeInteger(SEEDS) || SEEDS <= 0) throw new Error(`--seeds must be a positive integer`);

interface FieldStats {
  errs: number[];
  refPass: number;
  halfWidths: number[];
  isInt: boolean;
}

const quantile = (xs: number[], q: number) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const rmse = (xs: number[]) => Math.sqrt(mean(xs.map((x) => x * x)));
const fmt = (x: number, d = 4) => (Number.isFinite(x) ? (Math.abs(x) >= 1000 ? x.toFixed(0) : Number(x.toPrecision(d)).toString()) : String(x));
const pct = (a: number, b: number) => (b ? `${((100 * a) / b).toFixed(1)}%` : '–');

async function sweep(cs: CaseStudy): Promise<string> {
  const keys = Object.keys(cs.answerSchema.properties);
  const kinds = new Map(schemaFields(cs.answerSchema).map((f) => [f.key, f.kind]));
  const isInt = (k: string) => kinds.get(k) !== 'number'; // integer codes and labels (graded as their index) are exact
  const fields = new Map<string, FieldStats>(keys.map((k) => [k, { errs: [], refPass: 0, halfWidths: [], isInt: isInt(k) }]));
  const naiveMiss = new Map<string, Map<string, number>>(cs.naive.map((n) => [n.name, new Map(keys.map((k) => [k, 0]))]));
  const naiveErr = new Map<string, Map<string, number[]>>(cs.naive.map((n) => [n.name, new Map(keys.map((k) => [k, []]))]));
  const naiveFailsOne = new Map<string, number>(cs.naive.map((n) => [n.name, 0]));
  const naiveThrew = new Map<string, number>(cs.naive.map((n) => [n.name, 0]));
  const tSim: number[] = [], tRef: number[] = [], tValidate: number[] = [], tServe: number[] = [];
  let refThrew = 0, attemptsTotal = 0, rejectedTotal = 0, unservable = 0;
  const reasons = new Map<string, number>();
  // How often each value of an integer or label field is the truth (sub-seed 0 and served instances): a code
  // that is the same on every seed discriminates nothing.
  const intKeys = keys.filter(isInt);
  const truthCounts = new Map(intKeys.map((k) => [k, { first: new Map<number, number>(), served: new Map<number, number>() }]));
  const countTruth = (which: 'first' | 'served', truth: Record<string, number>) => {
    for (const k of intKeys) {
      const m = truthCounts.get(k)![which];
      m.set(truth[k], (m.get(truth[k]) ?? 0) + 1);
    }
  };

  for (let seed = 0; seed < SEEDS; seed++) {
    const serveStart = performance.now();
    let served = false;
    for (let sub = 0; sub < DEFAULT_MAX_ATTEMPTS && !served; sub++) {
      const t0 = performance.now();
      const inst = simulateInstance(cs, seed, sub);
      const t1 = performance.now();
      if (sub === 0) {
        countTruth('first', inst.truth);
        tSim.push(t1 - t0);
        const r0 = performance.now();
        try {
          await cs.reference(filesMap(inst));
        } catch {
          /* counted below via validateInstance */
        }
        tRef.push(performance.now() - r0);
      }
      const v0 = performance.now();
      const v = await validateInstance(cs, inst);
      if (sub === 0) {
        tValidate.push(performance.now() - v0);
        if (v.reference.error) refThrew++;
        for (const f of v.reference.fields) {
          const st = fields.get(f.key)!;
          if (f.pass) st.refPass++;
          const [lo, hi] = inst.bounds[f.key];
          st.halfWidths.push((hi - lo) / 2);
          if (f.value !== null) st.errs.push(f.value - inst.truth[f.key]);
        }
        for (const n of v.naive) {
          if (n.error) naiveThrew.set(n.name, naiveThrew.get(n.name)! + 1);
          if (!n.passedAll) naiveFailsOne.set(n.name, naiveFailsOne.get(n.name)! + 1);
          for (const f of n.fields) {
            if (!f.pass) naiveMiss.get(n.name)!.set(f.key, naiveMiss.get(n.name)!.get(f.key)! + 1);
            if (f.value !== null) naiveErr.get(n.name)!.get(f.key)!.push(f.value - inst.truth[f.key]);
          }
        }
      }
      attemptsTotal++;
      if (v.accepted) {
        served = true;
        countTruth('served', inst.truth);
      } else {
        rejectedTotal++;
        const key = v.reason!.replace(/\d+(\.\d+)?/g, '#');
        reasons.set(key, (reasons.get(key) ?? 0) + 1);
      }
    }
    if (!served) unservable++;
    tServe.push(performance.now() - serveStart);
    if ((seed + 1) % 25 === 0) process.stderr.write(`${cs.id}: ${seed + 1}/${SEEDS} seeds\n`);
  }

  const L: string[] = [];
  L.push(`## ${cs.number}. ${cs.id} — ${cs.title}`, '');
  L.push(`${SEEDS} seeds (sub-seed 0 for the error table). Reference threw on ${refThrew} seeds.`, '');
  L.push('| field | kind | ref RMSE | ref bias | ref max abs err | 3 × RMSE_ref | half-width in bounds() (median) | ref pass rate |');
  L.push('|---|---|---|---|---|---|---|---|');
  for (const [k, st] of fields) {
    const r = rmse(st.errs);
    const hw = quantile(st.halfWidths, 0.5);
    const flag = !st.isInt && hw < 3 * r ? ' ⚠ narrower than 3×RMSE' : '';
    L.push(`| ${k} | ${kinds.get(k) === 'number' ? 'float' : kinds.get(k) === 'label' ? 'label (code)' : 'int'} | ${fmt(r)} | ${fmt(mean(st.errs))} | ${fmt(Math.max(...st.errs.map(Math.abs)))} | ${fmt(3 * r)} | ${fmt(hw)}${flag} | ${pct(st.refPass, SEEDS)} |`);
  }
  L.push('', '| naive analysis | trap | ' + keys.map((k) => `misses ${k} (RMSE)`).join(' | ') + ' | fails ≥ 1 field | threw |');
  L.push('|---|---|' + keys.map(() => '---|').join('') + '---|---|');
  for (const n of cs.naive) {
    const cells = keys.map((k) => `${pct(naiveMiss.get(n.name)!.get(k)!, SEEDS)} (${fmt(rmse(naiveErr.get(n.name)!.get(k)!))})`);
    L.push(`| ${n.name} | ${n.trap.replace(/\|/g, '/')} | ${cells.join(' | ')} | ${pct(naiveFailsOne.get(n.name)!, SEEDS)} | ${naiveThrew.get(n.name)} |`);
  }
  L.push('');
  L.push(`Serving rule: ${rejectedTotal} of ${attemptsTotal} sub-seeds rejected (${pct(rejectedTotal, attemptsTotal)}); ${unservable} seeds unservable within ${DEFAULT_MAX_ATTEMPTS} attempts.`);
  if (reasons.size) {
    L.push('', 'Rejection reasons:', '');
    for (const [r, c] of [...reasons].sort((a, b) => b[1] - a[1]).slice(0, 8)) L.push(`- ${c} × ${r}`);
  }
  if (intKeys.length) {
    const servedN = SEEDS - unservable;
    L.push('', '| integer field | truth value | seeds (sub-seed 0) | served instances |', '|---|---|---|---|');
    for (const [k, { first, served }] of truthCounts) {
      for (const val of [...new Set([...first.keys(), ...served.keys()])].sort((a, b) => a - b)) {
        const f = first.get(val) ?? 0;
        const sv = served.get(val) ?? 0;
        L.push(`| ${k} | ${val} | ${f} (${pct(f, SEEDS)}) | ${sv} (${pct(sv, servedN)}) |`);
      }
    }
  }
  L.push('');
  L.push('| time per instance (ms) | mean | p50 | p95 | max |', '|---|---|---|---|---|');
  for (const [name, xs] of [['simulate', tSim], ['reference', tRef], ['simulate + reference', tSim.map((t, i) => t + tRef[i])], ['validate (reference + naive)', tValidate], ['serve (all sub-seeds tried)', tServe]] as const) {
    L.push(`| ${name} | ${fmt(mean(xs), 3)} | ${fmt(quantile(xs, 0.5), 3)} | ${fmt(quantile(xs, 0.95), 3)} | ${fmt(Math.max(...xs), 3)} |`);
  }
  L.push('');
  return L.join('\n');
}

const cases = ONLY ? caseStudies.filter((c) => c.id === ONLY) : caseStudies;
if (cases.length === 0) throw new Error(`no case ${ONLY} (known: ${caseStudies.map((c) => c.id).join(', ')})`);
const header = (what: string) => [
  '# Case-study calibration',
  '',
  `Generated by \`npm run bench:cases -- --seeds ${SEEDS} ${what}\` on ${new Date().toISOString().slice(0, 10)}, ` +
    `${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? 'cpu'}, Node ${process.version}; load average at start ${os.loadavg()[0].toFixed(1)}.`,
  '',
  'Errors are answer − truth on sub-seed 0 of each seed. The tolerance rule is half-width = max(floor, 3 × RMSE_ref);',
  'floors live in each case\'s bounds(). A naive analysis must fail at least one field on (nearly) every seed;',
  'seeds where it does not are re-drawn at serve time and counted as rejected sub-seeds.',
  '',
];
const parts: string[] = OUT ? header(ONLY ? `--case ${ONLY} --out ${OUT}` : `--out ${OUT}`) : [];
for (const cs of cases) {
  const started = performance.now();
  const own = OUT ? parts : header(`--case ${cs.id}`);
  const section = await sweep(cs).catch((err: unknown) =>
    [`## ${cs.id}`, '', `Sweep failed: ${err instanceof CalibrationError ? err.message : (err as Error).stack}`, ''].join('\n'),
  );
  own.push(section);
  if (!OUT) parts.push(section);
  process.stderr.write(`${cs.id}: ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  // Written after every case, so a long sweep that is stopped still leaves the finished cases.
  const file = OUT ?? join('docs', 'calibration', `${cs.id}.md`);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, own.join('\n'));
}
console.log(parts.join('\n'));
