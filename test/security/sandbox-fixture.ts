// Shared by the sandbox attack tests: the case-studies environment (test-fixture case, real
// bubblewrap sandbox) behind a real ORS server on loopback, with small per-session budgets, and
// a hook that records each session's server-side sandbox so tests can check the host side.

import { createCaseStudiesEnvironment } from '../../src/envs/case-studies/env.js';
import { OrsClient } from '../../src/ors/client/index.js';
import type { ToolOutput } from '../../src/ors/types.js';
import { buildServer } from '../../src/ors/server/index.js';
import { type BwrapSandbox, type Limits, probeBwrap, type Sandbox } from '../../src/sandbox/index.js';
import { exampleLinear } from '../envs/case-studies/fixtures/example-linear.js';

export const MiB = 1024 * 1024;

const probe = await probeBwrap();
if (!probe.ok) {
  if (process.env.CI === 'true') throw new Error(`bubblewrap sandbox must work under CI: ${probe.reason}`);
  console.warn(`SKIP sandbox attack tests: bubblewrap unavailable here (${probe.reason})`);
}
export const skip = probe.ok ? false : `bubblewrap unavailable: ${probe.reason}`;

/** A skip reason outside CI; under CI=true the attack suite never skips, so it throws instead. */
export function ciMustRun(reason: string): string {
  if (process.env.CI === 'true') throw new Error(`${reason} (CI=true: the attack suite must run)`);
  return reason;
}

/** Python that forks sleeping children until refused, prints how many it got, then holds them. */
export const forkStorm = (childSeconds: number, holdSeconds: number) => `
import os, time
n = 0
try:
    for i in range(500):
        if os.fork() == 0:
            time.sleep(${childSeconds}); os._exit(0)
        n += 1
except OSError:
    pass
print("forked", n, flush=True)
time.sleep(${holdSeconds})
`;

export const text = (o: ToolOutput) => o.blocks.map((b) => (b.type === 'text' ? b.text : '')).join('\n');

export async function startServer(limits: Partial<Limits>) {
  const env = createCaseStudiesEnvironment({ cases: [exampleLinear], sandbox: 'bwrap', perCase: { train: 10, test: 2 }, limits });
  const sandboxes: BwrapSandbox[] = [];
  const states: { sandbox: Sandbox }[] = [];
  const open = env.open.bind(env);
  env.open = async (ctx) => {
    const ep = await open(ctx);
    sandboxes.push(ep.state.sandbox as BwrapSandbox);
    states.push(ep.state);
    return ep;
  };
  const server = await buildServer({ environments: [env], logger: false });
  const baseUrl = await server.listen({ port: 0, host: '127.0.0.1' });
  const client = new OrsClient({ baseUrl, pingIntervalMs: 0 }).environment('case-studies');
  let next = 0;
  return {
    env,
    sandboxes,
    /** a new session, its server-side sandbox and state */
    async session() {
      const s = await client.session({ split: 'train', index: next++ % 10 });
      await s.prompt();
      return { s, sb: sandboxes[sandboxes.length - 1], state: states[states.length - 1] };
    },
    close: () => server.close(),
  };
}
