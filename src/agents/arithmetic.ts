// Built-in agents for the example `arithmetic` environment. The solver reads the word
// problem, turns each sentence into one calculator step and submits the result — it knows
// the problem grammar, never the answer, and uses only the environment's tools.

import type { RunToolOutput } from '../ors/types.js';
import { blocksToText, defineScriptedAgent, type ScriptedCall } from './types.js';

/** One step per sentence: returns the expression that updates `x`, or null if not a step. */
export function stepExpression(sentence: string, x: string): string | null {
  let m: RegExpMatchArray | null;
  if ((m = sentence.match(/starts the week with (\d+)\b/))) return m[1];
  if ((m = sentence.match(/receives (\d+) more\b/))) return `${x} + ${m[1]}`;
  if ((m = sentence.match(/^Then (\d+) \S+ arrive, each holding (\d+)\b/))) return `${x} + ${m[1]} * ${m[2]}`;
  if (/\bdoubles\b/.test(sentence)) return `${x} * 2`;
  if (/\btriples\b/.test(sentence)) return `${x} * 3`;
  if ((m = sentence.match(/equally among (\d+) teams\b/))) return `${x} / ${m[1]}`;
  if ((m = sentence.match(/^Then it .+? (\d+) of its\b/))) return `${x} - ${m[1]}`;
  return null;
}

function questionOf(text: string): string {
  return text.split('\n\n')[0];
}

function resultText(out: RunToolOutput): string {
  if (!out.ok) throw new Error(`calculator refused: ${out.error}`);
  return blocksToText(out.output.blocks).trim();
}

export const arithmeticSolver = defineScriptedAgent({
  name: 'oracle',
  envs: ['arithmetic'],
  description: 'solves each word problem step by step with the calculator tool, then submits (expected: 100%)',
  async *plan(ctx): AsyncGenerator<ScriptedCall, void, RunToolOutput> {
    const sentences = questionOf(blocksToText(ctx.prompt)).split(/(?<=[.?])\s+/);
    let value: string | null = null;
    for (const s of sentences) {
      const expr = stepExpression(s, value ?? '0');
      if (expr === null) continue;
      value = /^\d+$/.test(expr) ? expr : resultText(yield { name: 'calculator', input: { expression: expr } });
    }
    if (value === null) throw new Error('could not read the problem');
    yield { name: 'answer', input: { answer: value } };
  },
});

export const arithmeticWrong = defineScriptedAgent({
  name: 'wrong',
  envs: ['arithmetic'],
  description: 'always submits -1, which is never the answer (expected: 0%)',
  async *plan() {
    yield { name: 'answer', input: { answer: -1 } };
  },
});
