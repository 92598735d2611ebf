import type { Command } from 'commander';

// Filled in by the eval area.
export function registerEvalCommands(_program: Command): void {}
