// The mock model of bench/eval.bench.ts, in its own process so its CPU time is not charged
// to the runner being measured. Prints its URL on stdout.
import { startMockOpenAI } from '../test/models/mock-openai.js';

const latencyMs = Number(process.argv[2] ?? 50);
const mock = await startMockOpenAI({ latencyMs });
process.stdout.write(mock.url + '\n');
process.on('SIGTERM', () => void mock.close().then(() => process.exit(0)));
