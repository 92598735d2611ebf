// Runs `genegym eval` / `genegym runs ...` in this process (fast) with a home of its own and a
// mock OpenAI key, capturing stdout, stderr and the exit code; the environment and exit code
// are restored afterwards.

import { Command } from 'commander';
import { registerEvalCommands } from '../../src/cli/eval.js';

export async function runEvalCli(args: string[], home: string, extraEnv: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: Record<string, string> = { GENEGYM_HOME: home, OPENAI_API_KEY: 'sk-mock-key-0123456789', ...extraEnv };
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  let stdout = '';
  let stderr = '';
  const program = new Command('genegym').exitOverride().configureOutput({ writeOut: (s) => (stdout += s), writeErr: (s) => (stderr += s) });
  registerEvalCommands(program, { out: { write: (s: string) => (stdout += s) }, err: { write: (s: string) => (stderr += s), isTTY: false } });
  const previousExitCode = process.exitCode;
  process.exitCode = undefined;
  let code = 0;
  try {
    await program.parseAsync(['node', 'genegym', ...args]);
    code = Number(process.exitCode ?? 0);
  } catch (err) {
    stderr += (err as Error).message;
    code = 1;
  } finally {
    process.exitCode = previousExitCode;
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
  return { code, stdout, stderr };
}
