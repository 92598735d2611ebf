// Runs one host command (already wrapped by the sandbox) as its own process group, with a
// wall-clock timeout, capped output capture and a kill of the whole group on timeout/abort.

import { spawn } from 'node:child_process';
import type { ExecResult, Limits } from './types.js';

export interface RunSpec {
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  stdin?: string | Uint8Array;
  limits: Limits;
  signal?: AbortSignal;
  /** extra pipe on fd 3 (bwrap --json-status-fd); its text is returned */
  statusFd?: boolean;
}

export interface RunOutcome extends ExecResult {
  statusText: string;
  spawnError?: string;
}

class Capture {
  private chunks: Buffer[] = [];
  kept = 0;
  dropped = 0;
  constructor(private readonly cap: number) {}
  push(b: Buffer): void {
    const room = this.cap - this.kept;
    if (room > 0) {
      const part = b.length <= room ? b : b.subarray(0, room);
      this.chunks.push(part);
      this.kept += part.length;
    }
    this.dropped += Math.max(0, b.length - Math.max(0, room));
  }
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

export function runProcess(spec: RunSpec): Promise<RunOutcome> {
  const started = Date.now();
  return new Promise((resolve) => {
    const stdio: ('pipe' | 'ignore')[] = ['pipe', 'pipe', 'pipe'];
    if (spec.statusFd) stdio.push('pipe');
    let child;
    try {
      child = spawn(spec.command, spec.args, { cwd: spec.cwd, env: spec.env, stdio, detached: true });
    } catch (err) {
      resolve(failed(started, `spawn ${spec.command}: ${(err as Error).message}`));
      return;
    }
    const out = new Capture(spec.limits.outputBytes);
    const errc = new Capture(spec.limits.outputBytes);
    let status = '';
    let ended: ExecResult['status'] = 'ok';
    let spawnError: string | undefined;
    let settled = false;
    const killGroup = (why: ExecResult['status']) => {
      if (ended === 'ok') ended = why;
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    };
    const onData = (cap: Capture) => (b: Buffer) => {
      cap.push(b);
      if (out.kept + out.dropped + errc.kept + errc.dropped > spec.limits.outputKillBytes) killGroup('output_limit');
    };
    child.stdout!.on('data', onData(out));
    child.stderr!.on('data', onData(errc));
    if (spec.statusFd) (child.stdio[3] as NodeJS.ReadableStream).on('data', (b: Buffer) => (status += b.toString('utf8')));
    const timer = setTimeout(() => killGroup('timeout'), spec.limits.timeoutMs);
    const onAbort = () => killGroup('aborted');
    spec.signal?.addEventListener('abort', onAbort, { once: true });
    if (spec.signal?.aborted) onAbort();
    child.on('error', (err) => {
      spawnError = `${spec.command}: ${err.message}`;
    });
    child.stdin!.on('error', () => {
      /* the program may exit without reading its stdin */
    });
    child.stdin!.end(spec.stdin ?? '');
    const finish = (code: number | null, sig: NodeJS.Signals | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      spec.signal?.removeEventListener('abort', onAbort);
      // Anything left in the group (none-mode grandchildren) goes too.
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
      resolve({
        status: spawnError ? 'sandbox_error' : ended,
        exitCode: code,
        signal: sig,
        stdout: out.text(),
        stderr: errc.text(),
        stdoutDropped: out.dropped,
        stderrDropped: errc.dropped,
        durationMs: Date.now() - started,
        statusText: status,
        spawnError,
        sandboxError: spawnError,
      });
    };
    child.on('close', finish);
    // A grandchild holding our pipes open must not hang us after the main process exits.
    child.on('exit', (code, sig) => setTimeout(() => finish(code, sig), 2000).unref());
  });
}

function failed(started: number, msg: string): RunOutcome {
  return {
    status: 'sandbox_error', exitCode: null, signal: null, stdout: '', stderr: '', stdoutDropped: 0, stderrDropped: 0,
    durationMs: Date.now() - started, statusText: '', spawnError: msg, sandboxError: msg,
  };
}
