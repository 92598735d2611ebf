import type { Command } from 'commander';

// Filled in by the assembly area.
export function registerAssemblyCommands(_program: Command): void {}
