// The sandbox seam: an environment runs agent code through this interface, so bubblewrap,
// an unisolated local runner, or a future container/remote backend are interchangeable.

export type SandboxMode = 'bwrap' | 'none';

export interface Limits {
  /** wall-clock limit; the whole process group is killed when it passes */
  timeoutMs: number;
  /** RLIMIT_CPU seconds */
  cpuSeconds: number;
  /** RLIMIT_AS bytes (virtual memory) */
  memoryBytes: number;
  /** max processes/threads the sandbox user may have (RLIMIT_NPROC) */
  maxProcesses: number;
  /** RLIMIT_FSIZE bytes: largest file the code may write */
  fileSizeBytes: number;
  /** RLIMIT_NOFILE */
  openFiles: number;
  /** bytes of stdout and of stderr returned to the caller (the rest is counted, not kept) */
  outputBytes: number;
  /** total output after which the run is killed (stops `yes`-style floods early) */
  outputKillBytes: number;
  /** size of the private /tmp tmpfs */
  tmpBytes: number;
  /** per session: total bytes the agent may add to its workspace (staged data not counted) */
  diskBytes: number;
  /** per session: resident memory of all its processes (cgroup), tmpfs pages included */
  sessionMemoryBytes: number;
  /** per session: processes and threads alive at once (cgroup pids.max) */
  sessionProcesses: number;
}

export interface ExecRequest {
  /** program and arguments, resolved inside the sandbox (PATH=/usr/bin:/bin) */
  argv: string[];
  /** bytes written to the program's stdin, then closed */
  stdin?: string | Uint8Array;
  /** overrides of the default limits for this run */
  limits?: Partial<Limits>;
  signal?: AbortSignal;
}

export interface ExecResult {
  /** 'ok' = the program ran and exited by itself (any exit code) */
  status: 'ok' | 'timeout' | 'output_limit' | 'aborted' | 'sandbox_error';
  exitCode: number | null;
  /** signal that ended the program, if any (e.g. SIGKILL after the CPU limit: SIGXCPU/SIGKILL) */
  signal: string | null;
  stdout: string;
  stderr: string;
  /** bytes dropped from stdout/stderr beyond limits.outputBytes */
  stdoutDropped: number;
  stderrDropped: number;
  durationMs: number;
  /** set when the run did not happen (status 'sandbox_error') */
  sandboxError?: string;
  /**
   * Whose fault a 'sandbox_error' is: 'agent' when what the agent did (the state it left its
   * workspace in, too many queued runs) stopped the run — reported to it as a tool error —
   * and 'infrastructure' when the sandbox machinery itself failed (an environment error).
   */
  fault?: 'agent' | 'infrastructure';
  /** a per-session budget that ended or cut the run short */
  budget?: 'memory' | 'disk';
}

export interface Sandbox {
  readonly mode: SandboxMode;
  /** host path of the session workspace (mounted at /workspace inside) */
  readonly workspace: string;
  /** the path programs see as their working directory */
  readonly workdir: string;
  exec(req: ExecRequest): Promise<ExecResult>;
  /** removes the workspace; idempotent */
  cleanup(): Promise<void>;
}

/** A failure of the sandbox machinery itself (reported as such, never as a wrong answer). */
export class SandboxError extends Error {
  override name = 'SandboxError';
}
