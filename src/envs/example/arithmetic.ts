// `arithmetic`: the built-in example environment. Multi-step word problems generated from a
// seed; the agent may use a calculator and submits once with `answer` (reward 1 or 0, which
// ends the episode). Task specs carry the question but not the answer: `open` regenerates
// the problem from (split, index) and keeps the answer on the server.

import { Type } from '@sinclair/typebox';
import { defineEnvironment, defineTool, InvalidTaskError, ToolError, UnknownSplitError, type Environment, type TaskSource, type Tool } from '../../ors/environment.js';
import { textBlock, toolOutput, type JsonObject, type Split } from '../../ors/types.js';
import { CalculatorError, evaluate, formatNumber } from './calculator.js';
import { generateProblem } from './problems.js';

export interface ArithmeticOptions {
  seed?: number;
  sizes?: Partial<Record<'train' | 'validation' | 'test', number>>;
  /** Delay every tool call by this long: simulates a slow environment for client testing. */
  toolDelayMs?: number;
}

interface State {
  answer: number;
  submitted: boolean;
}

const SPLITS: Split[] = [
  { name: 'train', type: 'train' },
  { name: 'validation', type: 'validation' },
  { name: 'test', type: 'test' },
];

const DEFAULT_SIZES = { train: 100_000, validation: 1_000, test: 1_000 };

const calculator = defineTool({
  name: 'calculator',
  description: 'Evaluates an arithmetic expression with + - * / and parentheses, e.g. "(48 + 24) * 3".',
  input: Type.Object({ expression: Type.String({ description: 'the expression to evaluate' }) }, { additionalProperties: false }),
  run: ({ expression }) => {
    try {
      return toolOutput({ text: formatNumber(evaluate(expression)) });
    } catch (err) {
      if (err instanceof CalculatorError) throw new ToolError(err.message);
      throw err;
    }
  },
});

const answer = defineTool({
  name: 'answer',
  description: 'Submits the final answer (a number). Only one answer counts; the episode ends.',
  input: Type.Object(
    { answer: Type.Union([Type.String(), Type.Number()], { description: 'the final numeric answer' }) },
    { additionalProperties: false },
  ),
  exclusive: true,
  run: ({ answer }, state: State) => {
    if (state.submitted) throw new ToolError('an answer was already submitted; this episode is finished');
    const given = parseAnswer(answer);
    if (given === undefined) throw new ToolError(`not a number: ${JSON.stringify(answer)}`);
    state.submitted = true;
    const correct = Math.abs(given - state.answer) < 1e-9;
    return toolOutput({ text: correct ? 'Correct.' : 'Incorrect.', reward: correct ? 1 : 0, finished: true });
  },
});

/** The same tool, answering after `ms` (or failing early when the session goes away). */
function delayed<T extends Tool<any, State>>(tool: T, ms: number): T {
  return {
    ...tool,
    run: async (input, state, ctx) => {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(resolve, ms);
        ctx.signal.addEventListener('abort', () => {
          clearTimeout(timer);
          reject(new Error('session closed'));
        }, { once: true });
      });
      return tool.run(input, state, ctx);
    },
  };
}

/** "1,234", " 72 ", "72.0" and 72 all read as numbers; anything else is not an answer. */
export function parseAnswer(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  const cleaned = value.trim().replace(/,(?=\d{3}\b)/g, '');
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(cleaned)) return undefined;
  return Number(cleaned);
}

export function arithmeticEnvironment(options: ArithmeticOptions = {}): Environment<State> {
  const seed = options.seed ?? 2026;
  const sizes = { ...DEFAULT_SIZES, ...options.sizes };
  for (const [split, n] of Object.entries(sizes)) {
    if (!Number.isSafeInteger(n) || n < 0) throw new Error(`arithmetic: size of split ${split} must be a non-negative integer (got ${n})`);
  }
  const sizeOf = (split: string): number => {
    const n = (sizes as Record<string, number>)[split];
    if (n === undefined) throw new UnknownSplitError(split);
    return n;
  };
  const spec = (split: string, index: number): JsonObject => ({
    id: `${split}-${index}`,
    split,
    index,
    question: generateProblem(seed, split, index).question,
  });
  const tasks: TaskSource = {
    count: sizeOf,
    get: spec,
    range: (split, start, stop) => Array.from({ length: stop - start }, (_, i) => spec(split, start + i)),
  };

  const delay = options.toolDelayMs ?? 0;
  if (!Number.isFinite(delay) || delay < 0) throw new Error(`arithmetic: tool delay must be a non-negative number (got ${delay})`);
  const tools = delay > 0 ? [answer, calculator].map((t) => delayed(t, delay)) : [answer, calculator];

  /** The problem a client's task spec names; InvalidTaskError (a 400 at /create) when it names none. */
  const problemFor = (task: JsonObject) => {
    const split = task.split;
    const index = task.index;
    if (typeof split !== 'string' || typeof index !== 'number' || !Number.isSafeInteger(index)) {
      throw new InvalidTaskError('arithmetic task_spec needs "split" (string) and "index" (integer); get one from /task');
    }
    const n = (sizes as Record<string, number>)[split];
    if (n === undefined) throw new InvalidTaskError(`arithmetic: unknown split ${JSON.stringify(split.slice(0, 40))} (splits: ${SPLITS.map((s) => s.name).join(', ')})`);
    if (index < 0 || index >= n) throw new InvalidTaskError(`arithmetic: index ${index} is outside split ${split} (0..${n - 1})`);
    const problem = generateProblem(seed, split, index);
    if (task.question !== undefined && task.question !== problem.question) {
      throw new InvalidTaskError('arithmetic: task_spec question does not match the generated task at this split and index');
    }
    return problem;
  };

  return defineEnvironment<State>({
    name: 'arithmetic',
    description: 'Multi-step arithmetic word problems with a calculator tool; reward 1 for the right final answer.',
    splits: SPLITS,
    tasks,
    tools,
    maxListedTasks: 10_000,
    checkTask: (task) => void problemFor(task),
    open({ task }) {
      const problem = problemFor(task);
      return {
        state: { answer: problem.answer, submitted: false },
        prompt: () => [
          textBlock(
            `${problem.question}\n\nWork it out step by step. You may use the calculator tool. ` +
              'When you are sure, submit the final number with the answer tool; only your first answer counts.',
          ),
        ],
      };
    },
  });
}
