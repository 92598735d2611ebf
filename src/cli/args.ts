// Argument parsers shared by the CLI command groups: each returns a commander coercion
// function that rejects bad input with a message naming the option.

import { InvalidArgumentError } from 'commander';

export function integer(name: string, min: number) {
  return (raw: string): number => {
    if (!/^-?\d+$/.test(raw.trim())) throw new InvalidArgumentError(`${name} must be an integer (got ${JSON.stringify(raw)})`);
    const n = Number(raw);
    if (!Number.isSafeInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be at least ${min} (got ${raw})`);
    return n;
  };
}
