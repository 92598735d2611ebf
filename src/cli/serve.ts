// `genegym serve`, `genegym envs` and `genegym tasks`: serving environments over ORS and
// looking at what they contain.

import { InvalidArgumentError, type Command } from 'commander';
import { integer } from './args.js';
import type { Environment } from '../ors/environment.js';
import type { JsonObject } from '../ors/types.js';
import { environments, findEnvironment } from '../envs/registry.js';
import type { EnvironmentEntry, EnvOptions } from '../envs/registry-types.js';

function positiveSeconds(name: string) {
  return (raw: string): number => {
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a positive number of seconds (got ${JSON.stringify(raw)})`);
    return n;
  };
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').map((s) => s.trim()).filter(Boolean)];
}

function keyValue(raw: string, previous: Record<string, string> = {}): Record<string, string> {
  const eq = raw.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError(`expected key=value (got ${JSON.stringify(raw)})`);
  return { ...previous, [raw.slice(0, eq).trim()]: raw.slice(eq + 1) };
}

function sandboxMode(raw: string): 'bwrap' | 'none' {
  if (raw !== 'bwrap' && raw !== 'none') throw new InvalidArgumentError(`--sandbox must be bwrap or none (got ${JSON.stringify(raw)})`);
  return raw;
}

interface EnvLoadFlags {
  assembly?: string;
  sandbox?: 'bwrap' | 'none';
  envOpt?: Record<string, string>;
}

const envOptions = (flags: EnvLoadFlags): EnvOptions => ({ assembly: flags.assembly, sandbox: flags.sandbox, settings: flags.envOpt ?? {} });

function unknownEnv(name: string): Error {
  return new Error(`unknown environment '${name}' (known: ${environments.map((e) => e.name).join(', ') || 'none'}); see genegym envs`);
}

/** Loads the named environments, or every default-served one when none is named. */
/**
 * Environments named with --env must all load. Serving everything by default degrades per
 * environment instead: one that can't run here (no bubblewrap, say) is reported with its fix and
 * the rest are served, so `npm start` on a bare machine still serves arithmetic and genome-qa.
 */
export async function loadEnvironments(
  names: string[] | undefined,
  opts: EnvOptions,
  warn: (line: string) => void = (l) => console.error(l),
  available: readonly EnvironmentEntry[] = environments,
): Promise<Environment[]> {
  const explicit = names !== undefined && names.length > 0;
  const find = (n: string) => available.find((e) => e.name === n.toLowerCase());
  const entries = explicit ? names.map((n) => find(n) ?? fail(unknownEnv(n))) : available.filter((e) => e.servedByDefault !== false);
  if (entries.length === 0) throw new Error('no environments to serve');
  const seen = new Set<string>();
  const loaded: Environment[] = [];
  const skipped: string[] = [];
  for (const entry of entries) {
    if (seen.has(entry.name)) continue;
    seen.add(entry.name);
    try {
      loaded.push(await entry.load(opts));
    } catch (err) {
      if (explicit) throw err;
      skipped.push(entry.name);
      warn(`genegym: not serving ${entry.name}: ${(err as Error).message}`);
    }
  }
  if (loaded.length === 0) throw new Error(`no environment could be served (${skipped.join(', ')}: see above)`);
  if (skipped.length) warn(`genegym: serving ${loaded.map((e) => e.name).join(', ')}; fix the above and restart to add ${skipped.join(', ')} (or name environments with --env)`);
  return loaded;
}

const fail = (err: Error): never => {
  throw err;
};

export function registerServeCommands(program: Command): void {
  program
    .command('serve')
    .description('Serve environments over the Open Reward Standard (HTTP + SSE)')
    .option('--port <port>', 'TCP port (0 picks a free one)', integer('--port', 0), 8080)
    .option('--host <host>', 'interface to bind; use 0.0.0.0 only together with --api-key', '127.0.0.1')
    .option('--env <names...>', 'environments to serve (repeatable or comma-separated; the first is the default); default: all built-in', collect)
    .option('--api-key <key>', 'require this key (X-API-Key or Authorization: Bearer) on every endpoint but /health; default $GENEGYM_API_KEY')
    .option('--max-sessions <n>', 'live sessions allowed at once; /create answers 429 above', integer('--max-sessions', 1), 1000)
    .option('--idle-timeout <seconds>', 'tear down sessions idle this long', positiveSeconds('--idle-timeout'), 900)
    .option('--body-limit <bytes>', 'largest request body; 413 above', integer('--body-limit', 1), 1024 * 1024)
    .option('--shutdown-grace <ms>', 'on SIGINT/SIGTERM, wait this long for running tool calls and session teardowns before cutting them off (a second signal exits at once)', integer('--shutdown-grace', 0), 10_000)
    .option('--drain-delay <ms>', 'on SIGTERM, answer /health with 503 (draining) this long while still serving, so a load balancer moves new sessions elsewhere, before shutting down', integer('--drain-delay', 0), 0)
    .option('--keep-alive <seconds>', 'keep-alive comment interval on /call streams (clients give up after 30 s of silence)', positiveSeconds('--keep-alive'), 10)
    .option('--assembly <name>', 'genome assembly for genomics environments (demo, hg38 or a directory)')
    .option('--sandbox <mode>', 'sandbox for environments that run agent code: bwrap or none', sandboxMode)
    .option('--env-opt <key=value>', 'environment setting (repeatable), e.g. --env-opt seed=7', keyValue)
    .option('--replicas <n>', 'run n server processes behind an HAProxy listening on --host:--port (session affinity by X-Session-ID; needs haproxy)', integer('--replicas', 1))
    .option('--replica-base-port <port>', 'with --replicas: first replica port on 127.0.0.1 (default --port + 1)', integer('--replica-base-port', 1))
    .option('--log', 'log requests as JSON lines on stderr (secrets and keys are redacted)')
    .option('--ui', 'also serve the runs viewer at /ui (it shows answer keys and transcripts: never expose it to the agents under evaluation)')
    .action(async (flags, cmd: Command) => {
      const apiKey: string | undefined = flags.apiKey ?? (process.env.GENEGYM_API_KEY || undefined);
      if (cmd.getOptionValueSource('apiKey') === 'cli') {
        console.error('genegym: warning: --api-key on the command line is visible to every local user (ps, /proc/<pid>/cmdline); set GENEGYM_API_KEY in the environment instead');
      }
      if (flags.replicas !== undefined) return (await import('../deploy/cli.js')).runReplicas(flags, cmd, apiKey);
      const envs = await loadEnvironments(flags.env, envOptions(flags));
      // Workspaces of servers that died (crash, kill -9, expired grace) go before ours are made.
      // the server (fastify) loads only when this command runs, not for every genegym command
      const { buildServer } = await import('../ors/server/index.js');
      const { sweepStaleWorkspaceRoots } = await import('../sandbox/workspace-root.js');
      const swept = await sweepStaleWorkspaceRoots();
      if (swept.removed.length) console.error(`genegym: removed the workspaces of ${swept.removed.length} server process(es) no longer running`);
      for (const f of swept.failed) console.error(`genegym: warning: cannot remove stale workspaces ${f.root}: ${f.error}`);
      const server = await buildServer({
        environments: envs,
        apiKey,
        maxSessions: flags.maxSessions,
        idleTimeoutMs: flags.idleTimeout * 1000,
        bodyLimit: flags.bodyLimit,
        keepAliveMs: flags.keepAlive * 1000,
        shutdownGraceMs: flags.shutdownGrace,
        drainDelayMs: flags.drainDelay,
        // JSON lines on stderr (stdout carries the URL): warnings and faults always, requests with --log.
        logger: { level: flags.log ? 'info' : 'warn', stream: process.stderr },
        extend: flags.ui ? (app) => mountViewerUi(app) : undefined,
      });
      const url = await server.listen({ port: flags.port, host: flags.host });
      if (!apiKey && !isLoopback(flags.host)) {
        console.error(`genegym: warning: listening on ${flags.host} without an API key; anyone who can reach it can use it`);
      }
      console.log(`genegym: serving ${envs.map((e) => e.name).join(', ')} at ${url}${apiKey ? ' (API key required)' : ''}`);
      if (flags.ui) console.log(`genegym: runs viewer at ${url}/ui/`);
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) {
          console.error(`genegym: ${signal} again, exiting without draining`);
          process.exit(1);
        }
        stopping = true;
        console.error(`genegym: ${signal}: finishing running tool calls and tearing sessions down (at most ${flags.shutdownGrace} ms; a second SIGINT or SIGTERM exits at once)`);
        server.close().then(
          () => {
            console.error('genegym: stopped');
            process.exit(0);
          },
          (err: unknown) => {
            console.error(`genegym: shutdown failed: ${err instanceof Error ? err.message : String(err)}`);
            process.exit(1);
          },
        );
      };
      // `on`, not `once`: the second signal must reach stop() to exit at once.
      process.on('SIGTERM', () => stop('SIGTERM'));
      process.on('SIGINT', () => stop('SIGINT'));
    });

  program
    .command('envs')
    .description('List the environments genegym can serve, or those a running ORS server serves (--server)')
    .option('--json', 'print JSON')
    .option('--server <url>', 'list a remote ORS server: its environments, splits and task counts (key from $ORS_API_KEY)')
    .action(async (flags: { json?: boolean; server?: string }) => {
      if (flags.server) {
        const { OrsClient } = await import('../ors/client/index.js');
        const client = new OrsClient({ baseUrl: flags.server });
        const rows = [];
        for (const name of await client.listEnvironments()) {
          const env = client.environment(name);
          const splits = await env.splits();
          rows.push({ name, splits: await Promise.all(splits.map(async (sp) => ({ name: sp.name, type: sp.type, tasks: await env.numTasks(sp.name) }))) });
        }
        if (flags.json) return void console.log(JSON.stringify(rows));
        const width = Math.max(4, ...rows.map((r) => r.name.length));
        for (const r of rows) console.log(`${r.name.padEnd(width)}  ${r.splits.map((sp) => `${sp.name} (${sp.tasks} tasks)`).join(', ')}`);
        return;
      }
      if (flags.json) {
        console.log(JSON.stringify(environments.map((e) => ({ name: e.name, description: e.description, servedByDefault: e.servedByDefault !== false }))));
        return;
      }
      const width = Math.max(4, ...environments.map((e) => e.name.length));
      for (const e of environments) console.log(`${e.name.padEnd(width)}  ${e.description}`);
    });

  program
    .command('tasks <env>')
    .description("List an environment's task specs (what clients see; answers stay on the server)")
    .option('--split <name>', 'split to list (default: test when the environment has one, as for eval; else the first split)')
    .option('--offset <n>', 'first index', integer('--offset', 0), 0)
    .option('--limit <n>', 'how many tasks', integer('--limit', 1), 10)
    .option('--json', 'print one JSON array')
    .option('--server <url>', 'list the tasks of a running ORS server instead of a built-in environment (key from $ORS_API_KEY)')
    .option('--export <file>', 'write task rows WITH answers as JSONL (server-side use; environments that support it, e.g. genome-qa); the whole split from --offset unless --limit is given')
    .option('--assembly <name>', 'genome assembly for genomics environments')
    .option('--sandbox <mode>', 'bwrap or none', sandboxMode)
    .option('--env-opt <key=value>', 'environment setting (repeatable)', keyValue)
    .action(async (name: string, flags: EnvLoadFlags & { split?: string; offset: number; limit: number; json?: boolean; export?: string; server?: string }, cmd: Command) => {
      const show = (envName: string, split: string, total: number, tasks: JsonObject[]) => {
        if (flags.json) return void console.log(JSON.stringify(tasks));
        console.log(`${envName} ${split}: ${total} tasks; showing ${tasks.length} from index ${flags.offset}`);
        tasks.forEach((t, i) => console.log(`${flags.offset + i}\t${JSON.stringify(t)}`));
      };
      const pickSplit = (envName: string, splits: { name: string }[]) => {
        const split = flags.split ?? (splits.some((sp) => sp.name === 'test') ? 'test' : splits[0].name);
        if (!splits.some((sp) => sp.name === split)) throw new Error(`unknown split '${split}' of ${envName} (splits: ${splits.map((sp) => sp.name).join(', ')})`);
        return split;
      };
      const checkOffset = (envName: string, split: string, total: number) => {
        if (flags.offset >= total && total > 0) throw new Error(`--offset ${flags.offset} is past the end of ${envName} ${split} (${total} tasks: indices 0-${total - 1})`);
      };
      if (flags.server) {
        if (flags.export) throw new Error('--export needs the environment in-process (answers never leave a server); drop --server');
        const { OrsClient } = await import('../ors/client/index.js');
        const client = new OrsClient({ baseUrl: flags.server });
        const served = await client.listEnvironments();
        if (!served.includes(name.toLowerCase())) throw new Error(`the ORS server ${flags.server} has no environment '${name}' (it serves: ${served.join(', ') || 'none'})`);
        const env = client.environment(name);
        const split = pickSplit(name, await env.splits());
        const total = await env.numTasks(split);
        checkOffset(name, split, total);
        return show(name.toLowerCase(), split, total, await env.taskRange(split, flags.offset, Math.min(total, flags.offset + flags.limit)));
      }
      const entry = findEnvironment(name);
      if (!entry) throw unknownEnv(name);
      const env = await entry.load(envOptions(flags));
      try {
        const split = pickSplit(env.name, env.splits);
        const { countTasks, taskRange } = await import('../ors/server/tasks.js');
        const total = await countTasks(env, split);
        checkOffset(env.name, split, total);
        if (flags.export) {
          const stop = cmd.getOptionValueSource('limit') === 'cli' ? Math.min(total, flags.offset + flags.limit) : total;
          const n = await exportTaskRows(env, split, flags.offset, stop, flags.export);
          console.error(`${env.name} ${split}: wrote ${n} task rows with answers to ${flags.export}`);
          return;
        }
        show(env.name, split, total, await taskRange(env, split, flags.offset, flags.offset + flags.limit));
      } catch (err) {
        if (err instanceof (await import('../ors/server/errors.js')).HttpError) throw new Error((err as { detail: string }).detail);
        throw err;
      } finally {
        await env.dispose?.();
      }
    });
}

/** `tasks --export`: JSONL rows with answers, for environments that can produce them. */
async function exportTaskRows(env: Environment, split: string, start: number, stop: number, file: string): Promise<number> {
  const { hasAnswerExporter } = await import('../envs/genome-qa/entry.js');
  if (!hasAnswerExporter(env)) throw new Error(`${env.name} cannot export tasks with answers`);
  const { createWriteStream } = await import('node:fs');
  const out = createWriteStream(file);
  let n = 0;
  for await (const row of env.exportRows(split, start, stop)) {
    if (!out.write(`${JSON.stringify(row)}\n`)) await new Promise<void>((r) => out.once('drain', () => r()));
    n++;
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  return n;
}

/** The runs viewer, mounted on the ORS app at /ui (bundle built on first use if missing). */
async function mountViewerUi(app: import('fastify').FastifyInstance): Promise<void> {
  const [{ ensureBundle }, { mountViewer }, { genegymHome }] = await Promise.all([
    import('../web/bundle.js'),
    import('../web/server/plugin.js'),
    import('../genome/home.js'),
  ]);
  await mountViewer(app, { home: genegymHome(), bundleDir: await ensureBundle(), warm: true });
}

function isLoopback(host: string): boolean {
  return host === '127.0.0.1' || host === 'localhost' || host === '::1' || host.startsWith('127.');
}
