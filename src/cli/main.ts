// genegym command line. Each area registers its own commands (one module per command group),
// so adding a command never touches another area's code.

import { Command, CommanderError } from 'commander';
import { registerServeCommands } from './serve.js';
import { registerAssemblyCommands } from './assembly.js';
import { registerEvalCommands } from './eval.js';
import { registerGenomeQaCommands } from './genome-qa.js';
import { registerViewCommands } from './view.js';
import { registerDeployCommands } from '../deploy/cli.js';

export function buildProgram(): Command {
  const program = new Command('genegym')
    .description('Genomics benchmarks and RL environments for AI agents, served over the Open Reward Standard')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ outputError: (str, write) => write(str) });
  registerServeCommands(program);
  registerAssemblyCommands(program);
  registerEvalCommands(program);
  registerGenomeQaCommands(program);
  registerViewCommands(program);
  registerDeployCommands(program);
  return program;
}

const isMain = process.argv[1] !== undefined && /(?:main\.(?:ts|js)|genegym(?:\.js)?)$/.test(process.argv[1]);
if (isMain) {
  // `genegym ... | head` closes our stdout early: that is the reader's choice, not an error
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw err;
    });
  }
  buildProgram()
    .exitOverride()
    .parseAsync(process.argv)
    .catch((err: unknown) => {
      if (err instanceof CommanderError) process.exit(err.exitCode);
      console.error(`genegym: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    });
}
