// Command-line side of deployment: `genegym serve --replicas N` (runReplicas) and
// `genegym haproxy-config` (the configuration for replicas on many machines).

import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { haproxyConfig, parseBackend, parseBackendsFile, type Backend } from './haproxy-config.js';

/** Options of `serve` a replica must not inherit: the supervisor sets them (or passes them by environment). */
const SUPERVISOR_ONLY = new Set(['replicas', 'replicaBasePort', 'port', 'host', 'apiKey', 'ui']);

/** The `serve` flags given on the command line, as arguments for each replica. */
export function replicaArgs(cmd: Command): string[] {
  const args: string[] = [];
  for (const opt of cmd.options) {
    const key = opt.attributeName();
    if (SUPERVISOR_ONLY.has(key) || cmd.getOptionValueSource(key) !== 'cli') continue;
    const value: unknown = cmd.getOptionValue(key);
    const flag = opt.long!;
    if (value === true) args.push(flag);
    else if (Array.isArray(value)) args.push(flag, value.join(','));
    else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) args.push(flag, `${k}=${String(v)}`);
    else if (value !== false && value !== undefined) args.push(flag, String(value));
  }
  return args;
}

export interface ReplicaFlags {
  replicas: number;
  replicaBasePort?: number;
  port: number;
  host: string;
  ui?: boolean;
  drainDelay: number;
}

/** `genegym serve --replicas N`: runs until SIGINT/SIGTERM, then drains every replica and stops HAProxy. */
export async function runReplicas(flags: ReplicaFlags, cmd: Command, apiKey: string | undefined): Promise<void> {
  if (flags.ui) throw new Error('--ui is not available with --replicas (run the viewer with genegym view)');
  if (flags.port === 0) throw new Error('--replicas needs a fixed --port (HAProxy listens there; replicas take the ports after it)');
  const { startReplicas } = await import('./replicas.js');
  const basePort = flags.replicaBasePort ?? flags.port + 1;
  const serveArgs = replicaArgs(cmd);
  // HAProxy checks every second and takes a replica out after two failures: drain that long first.
  if (cmd.getOptionValueSource('drainDelay') !== 'cli') serveArgs.push('--drain-delay', '2500');
  const env = { ...process.env };
  if (apiKey) env.GENEGYM_API_KEY = apiKey;
  const set = await startReplicas({ replicas: flags.replicas, bind: { host: flags.host, port: flags.port }, basePort, serveArgs, env });
  console.log(`genegym: ${flags.replicas} replica(s) on 127.0.0.1:${basePort}-${basePort + flags.replicas - 1} behind HAProxy at ${set.url}${apiKey ? ' (API key required)' : ''}`);
  console.error(`genegym: HAProxy configuration: ${set.configPath}`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      console.error(`genegym: ${signal} again, exiting without draining`);
      for (const r of set.replicas) r.process.kill('SIGKILL');
      process.kill(set.haproxyPid, 'SIGKILL');
      process.exit(1);
    }
    stopping = true;
    console.error(`genegym: ${signal}: draining the replicas, then stopping HAProxy`);
    set.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(`genegym: stop failed: ${(err as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

export function registerDeployCommands(program: Command): void {
  program
    .command('haproxy-config')
    .description('Print the HAProxy configuration for genegym replicas (session affinity by X-Session-ID, health checks, SSE-friendly timeouts)')
    .option('--backend <host:port...>', 'a replica (repeatable or comma-separated)', (v: string, prev: string[] = []) => [...prev, ...v.split(',').map((s) => s.trim()).filter(Boolean)])
    .option('--backends-file <file>', 'replicas, one host:port per line (# comments allowed)')
    .option('--bind <host:port>', 'where HAProxy listens', '127.0.0.1:8080')
    .option('--check-interval <ms>', 'health-check interval', (v: string) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 100) throw new Error(`--check-interval must be an integer >= 100 (got ${JSON.stringify(v)})`);
      return n;
    })
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .action((flags: { backend?: string[]; backendsFile?: string; bind: string; checkInterval?: number; output?: string }) => {
      const backends: Backend[] = [...(flags.backend ?? []).map(parseBackend), ...(flags.backendsFile ? parseBackendsFile(readFileSync(flags.backendsFile, 'utf8')) : [])];
      if (backends.length === 0) throw new Error('name the replicas with --backend host:port or --backends-file');
      const text = haproxyConfig({ bind: parseBackend(flags.bind), backends, checkIntervalMs: flags.checkInterval });
      if (flags.output) writeFileSync(flags.output, text);
      else process.stdout.write(text);
    });
}
