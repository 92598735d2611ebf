// End-to-end through the case-studies environment with the test-fixture case: task specs,
// prompt, tools, grading, and that the truth never reaches anything the agent can see.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createCaseStudiesEnvironment, resolveTask } from '../../../src/envs/case-studies/env.js';
import { generate } from '../../../src/envs/case-studies/framework/generate.js';
import { ToolError } from '../../../src/ors/environment.js';
import type { ToolOutput } from '../../../src/ors/types.js';
import { BwrapSandbox, DEFAULT_LIMITS, probeBwrap } from '../../../src/sandbox/index.js';
import { exampleLinear } from './fixtures/example-linear.js';

const probe = await probeBwrap();
if (!probe.ok) {
  if (process.env.CI === 'true') throw new Error(`bubblewrap must work under CI: ${probe.reason}`);
  console.warn(`SKIP case-studies env tests: bubblewrap unavailable (${probe.reason})`);
}

const env = createCaseStudiesEnvironment({ cases: [exampleLinear], sandbox: 'bwrap', perCase: { train: 50, test: 5 } });
const tool = (name: string) => env.tools.find((t) => t.name === name)!;
const ctx = { signal: new AbortController().signal, sessionId: 's1' };
const text = (o: ToolOutput) => o.blocks.map((b) => (b.type === 'text' ? b.text : '')).join('\n');

/** Every way a truth value could be spelled in text. */
function truthSpellings(truth: Record<string, number>, bounds: Record<string, [number, number]>): string[] {
  const out: string[] = [];
  for (const v of [...Object.values(truth).filter((x) => !Number.isInteger(x)), ...Object.values(bounds).flat().filter((x) => !Number.isInteger(x))]) {
    out.push(String(v), v.toFixed(6), v.toPrecision(8));
  }
  return out;
}

test('task specs carry only id, case, seed, split, index; splits and validation', async () => {
  assert.equal(await env.tasks.count('train'), 50);
  assert.equal(await env.tasks.count('test'), 5);
  const spec = await env.tasks.get('test', 3);
  assert.deepEqual(Object.keys(spec).sort(), ['case', 'id', 'index', 'seed', 'split']);
  assert.equal(spec.seed, 1_000_000_003);
  assert.throws(() => env.tasks.count('validation'), /Invalid split/);
  assert.throws(() => resolveTask({ ...spec, split: 'train' }, [exampleLinear]), /does not belong/);
  assert.throws(() => resolveTask({ ...spec, case: 'nope' }, [exampleLinear]), /unknown case/);
  assert.throws(() => resolveTask({ ...spec, seed: 1.5 }, [exampleLinear]), /integer "seed"/);
});

test('episode: tools work, the reference answer earns reward 1, and no truth reaches the agent', { skip: probe.ok ? false : 'bubblewrap unavailable' }, async () => {
  const spec = await env.tasks.get('train', 4);
  const ep = await env.open({ task: spec, secrets: {}, sessionId: 's1', signal: ctx.signal });
  const st = ep.state;
  try {
    const served = await generate(exampleLinear, spec.seed as number);
    const secrets = truthSpellings(served.truth, served.bounds);
    const seen: string[] = [JSON.stringify(spec)];
    const prompt = (await ep.prompt()).map((b) => (b.type === 'text' ? b.text : '')).join('\n');
    seen.push(prompt);
    assert.match(prompt, /data\/xy\.tsv\.gz \(\d+ bytes\)/);
    assert.match(prompt, /"answer": \{"slope": <float>, "n_used": <int>\}/);

    const ls = await tool('list_files').run({}, st, ctx);
    seen.push(text(ls));
    assert.deepEqual(text(ls).split('\n').map((l) => l.split('\t')[0]), ['data/extra.npz', 'data/xy.tsv.gz']);

    const page = await tool('read_file').run({ path: 'data/xy.tsv.gz', offset: 0, limit: 3 }, st, ctx);
    seen.push(text(page));
    assert.match(text(page), /\(gzip\): lines 0–2 of 201; next offset 3/);
    assert.match(text(page), /^row\tx\ty$/m);
    await assert.rejects(async () => tool('read_file').run({ path: 'data/extra.npz' }, st, ctx), (e: unknown) => e instanceof ToolError && /binary/.test(e.message));
    await assert.rejects(async () => tool('read_file').run({ path: '../../etc/passwd' }, st, ctx), ToolError);
    await assert.rejects(async () => tool('read_file').run({ path: 'nope.txt' }, st, ctx), (e: unknown) => e instanceof ToolError && /no such file/.test(e.message));

    // The agent searches the whole reachable filesystem for the truth.
    const hunt = await tool('run_python').run({ code: `
import os, gzip
hits = []
for root in ['/workspace', '/tmp', '/etc', '/proc/self']:
    for d, _, fs in os.walk(root):
        for f in fs:
            p = os.path.join(d, f)
            try:
                b = open(p, 'rb').read(2_000_000)
                if p.endswith('.gz'): b = gzip.decompress(b)
            except Exception:
                continue
            for s in ${JSON.stringify(secrets)}:
                if s.encode() in b: hits.append((p, s))
print('HITS', hits)
print(sorted(os.listdir('/workspace')), sorted(os.environ))
` }, st, ctx);
    seen.push(text(hunt));
    assert.match(text(hunt), /HITS \[\]/);
    assert.match(text(hunt), /\['data'\]/);

    const ref = exampleLinear.reference(new Map(served.files.map((f) => [f.path, f.data]))) as Record<string, number>;
    const py = await tool('run_python').run({ code: `
import pandas as pd, numpy as np, statsmodels.api as sm
d = pd.read_csv('data/xy.tsv.gz', sep='\\t')
d = d[d.x != -999]
fit = sm.OLS(d.y, sm.add_constant(d.x)).fit()
print(repr(float(fit.params['x'])), len(d))
` }, st, ctx);
    assert.equal(py.metadata?.exit_code, 0, text(py));
    const [slope, n] = text(py).split('--- stdout ---\n')[1].trim().split(' ').map(Number);
    assert.ok(Math.abs(slope - ref.slope) < 1e-9, 'statsmodels in the sandbox agrees with our reference');
    assert.equal(n, ref.n_used);
    const sh = await tool('run_bash').run({ command: 'echo hi; exit 3' }, st, ctx);
    assert.equal(sh.metadata?.exit_code, 3);
    // a FIFO made by the agent must not hang the server's read_file
    await tool('run_bash').run({ command: 'mkfifo pipe' }, st, ctx);
    await assert.rejects(async () => tool('read_file').run({ path: 'pipe' }, st, ctx), (e: unknown) => e instanceof ToolError && /not a regular file/.test(e.message));
    const slow = await tool('run_python').run({ code: 'import time\ntime.sleep(30)', timeout_s: 1 }, st, ctx);
    assert.match(text(slow), /killed: wall-clock time limit/);

    const answer = JSON.stringify({ answer: { slope: ref.slope, n_used: ref.n_used }, reasoning: 'Dropped the -999 missing codes, then OLS regression of y on x.' });
    const sub = await tool('submit_answer').run({ response: answer }, st, ctx);
    seen.push(text(sub), JSON.stringify(sub.metadata));
    assert.equal(sub.reward, 1);
    assert.equal(sub.finished, true);
    assert.equal(sub.metadata?.pass, true);
    assert.equal(sub.metadata?.reasoning_score, 1);
    await assert.rejects(async () => tool('submit_answer').run({ response: answer }, st, ctx), /already submitted/);

    for (const s of seen) for (const secret of secrets) assert.ok(!s.includes(secret), `truth ${secret} leaked into agent-visible text`);
  } finally {
    await ep.close?.();
  }
});

test('a wrong, fenced answer: reward 0 by default (binary), partial with reward=fraction and a format penalty', { skip: probe.ok ? false : 'bubblewrap unavailable' }, async () => {
  const ep = await env.open({ task: await env.tasks.get('train', 0), secrets: {}, sessionId: 's2', signal: ctx.signal });
  const fractionEnv = createCaseStudiesEnvironment({ cases: [exampleLinear], sandbox: 'bwrap', perCase: { train: 50, test: 5 }, reward: 'fraction' });
  const ep2 = await fractionEnv.open({ task: await fractionEnv.tasks.get('train', 0), secrets: {}, sessionId: 's3', signal: ctx.signal });
  try {
    const truth = (await generate(exampleLinear, 0)).truth;
    const response = '```json\n' + JSON.stringify({ answer: { slope: 0.01, n_used: truth.n_used }, reasoning: 'regress' }) + '\n```';
    const sub = await tool('submit_answer').run({ response }, ep.state, ctx);
    assert.equal(sub.metadata?.format, 'repaired');
    assert.equal(sub.metadata?.pass, false);
    assert.equal(sub.metadata?.reward_rule, 'binary');
    assert.equal(sub.reward, 0);
    // per-field outcomes stay in the metadata whatever the reward rule
    assert.deepEqual(sub.metadata?.fields, [{ key: 'slope', outcome: 'out_of_range' }, { key: 'n_used', outcome: 'pass' }]);
    const sub2 = await fractionEnv.tools.find((t) => t.name === 'submit_answer')!.run({ response }, ep2.state, ctx);
    assert.equal(sub2.metadata?.reward_rule, 'fraction');
    // fields: slope wrong, n_used right; consistency check ok → 2 of 3 items, × 0.9
    assert.ok(Math.abs((sub2.reward ?? 0) - (2 / 3) * 0.9) < 1e-12, String(sub2.reward));
    assert.match(text(sub), /slope: outside the accepted range/);
    // a broken sandbox surfaces as an environment fault (not ToolError, not a program failure)
    ep.state.sandbox = new BwrapSandbox({ workspace: ep.state.sandbox.workspace, limits: DEFAULT_LIMITS, bwrapPath: '/nonexistent/bwrap' });
    await assert.rejects(async () => tool('run_python').run({ code: 'print(1)' }, ep.state, ctx), (e: unknown) => !(e instanceof ToolError) && /sandbox error/.test((e as Error).message));
  } finally {
    await ep.close?.();
    await ep2.close?.();
  }
});
