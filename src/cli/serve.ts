import type { Command } from 'commander';

// Filled in by the serve area.
export function registerServeCommands(_program: Command): void {}
