// Loader for `genegym serve`: the case-studies environment over the registered cases.

import type { Environment } from '../../ors/environment.js';
import type { EnvOptions } from '../registry-types.js';
import { judgeConfigFrom } from '../../grading/judge.js';
import { assertSandboxUsable, probePythonToolchain } from '../../sandbox/index.js';
import { caseStudies } from './cases.js';
import { createCaseStudiesEnvironment } from './env.js';
import { servedInstances } from './framework/instance-cache.js';

export { caseStudies } from './cases.js';
export { createCaseStudiesEnvironment } from './env.js';

/**
 * Settings (`--env-opt key=value`): train_per_case, test_per_case, reward=binary (default)|fraction,
 * format_penalty, cases=<comma-separated ids>. The judge comes from JUDGE_MODEL/JUDGE_API_KEY
 * (or OPENAI_API_KEY)/JUDGE_BASE_URL in the server's environment.
 */
export async function loadCaseStudies(opts: EnvOptions): Promise<Environment> {
  const s = opts.settings ?? {};
  const mode = opts.sandbox ?? 'bwrap';
  // Refuse to serve untrusted execution without isolation unless asked for explicitly.
  await assertSandboxUsable(mode);
  if (mode === 'bwrap') {
    const py = await probePythonToolchain();
    // every case's analysis needs them: serving without them would only turn tasks into errors
    if (!py.ok) throw new Error(`python3 with numpy/scipy/pandas/statsmodels is not usable in the sandbox (${py.detail}); install them (Debian/Ubuntu: apt-get install python3 python3-numpy python3-scipy python3-pandas python3-statsmodels)`);
  }
  const wanted = s.cases ? s.cases.split(',').map((x) => x.trim()) : null;
  const cases = wanted ? caseStudies.filter((c) => wanted.includes(c.id)) : caseStudies;
  if (wanted && cases.length !== wanted.length) throw new Error(`unknown case in cases=${s.cases} (known: ${caseStudies.map((c) => c.id).join(', ')})`);
  const int = (k: string) => (s[k] === undefined ? undefined : positiveInt(k, s[k]));
  const reward = s.reward === undefined ? undefined : s.reward === 'binary' || s.reward === 'fraction' ? s.reward : bad('reward', s.reward);
  // Serving: start the generation workers now, so the first sessions don't wait for them.
  void servedInstances.pool?.warm();
  return createCaseStudiesEnvironment({
    cases,
    sandbox: mode,
    perCase: { train: int('train_per_case'), test: int('test_per_case') },
    reward,
    formatPenalty: s.format_penalty === undefined ? undefined : Number(s.format_penalty),
    judge: judgeConfigFrom(process.env),
  });
}

function positiveInt(k: string, v: string): number {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n <= 0) bad(k, v);
  return n;
}

function bad(k: string, v: string): never {
  throw new Error(`case-studies: bad setting ${k}=${v}`);
}
