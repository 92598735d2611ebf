// What an operator watches on a replica: GET /metrics in the Prometheus text format
// (version 0.0.4). Counters live in this process only; a load-balanced deployment scrapes
// every replica and sums. Written by hand: a handful of series does not need a client library.

/** Upper bounds (seconds) of the call-latency histogram: tool calls run from microseconds to minutes. */
export const LATENCY_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

/** How a call ended: a result, a refusal the agent sees (`ok: false`), or an `error` event. */
export type CallKind = 'ok' | 'tool_error' | 'error';

interface CallSeries {
  env: string;
  tool: string;
  byKind: Record<CallKind, number>;
  buckets: number[];
  sum: number;
  count: number;
}

export interface MetricsGauges {
  sessionsLive(): number;
  callsRunning(): number;
  draining(): boolean;
}

export class ServerMetrics {
  private readonly calls = new Map<string, CallSeries>();
  private readonly httpErrors = new Map<number, number>();
  private readonly started = Date.now();

  /** A finished tool call of `tool` in `env`, `seconds` from its start to its outcome. */
  observeCall(env: string, tool: string, kind: CallKind, seconds: number): void {
    const key = `${env}\u0000${tool}`;
    let s = this.calls.get(key);
    if (!s) {
      s = { env, tool, byKind: { ok: 0, tool_error: 0, error: 0 }, buckets: LATENCY_BUCKETS.map(() => 0), sum: 0, count: 0 };
      this.calls.set(key, s);
    }
    s.byKind[kind]++;
    s.count++;
    s.sum += seconds;
    for (let i = 0; i < LATENCY_BUCKETS.length; i++) if (seconds <= LATENCY_BUCKETS[i]) s.buckets[i]++;
  }

  /** A response with a 4xx/5xx status (hijacked /call streams are counted by observeCall). */
  observeHttpError(status: number): void {
    this.httpErrors.set(status, (this.httpErrors.get(status) ?? 0) + 1);
  }

  render(g: MetricsGauges): string {
    const out: string[] = [];
    const head = (name: string, type: string, help: string) => out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    head('genegym_sessions_live', 'gauge', 'Sessions this replica holds now.');
    out.push(`genegym_sessions_live ${g.sessionsLive()}`);
    head('genegym_calls_running', 'gauge', 'Tool calls running now.');
    out.push(`genegym_calls_running ${g.callsRunning()}`);
    head('genegym_draining', 'gauge', '1 once the replica has been told to stop (SIGTERM): /health answers 503.');
    out.push(`genegym_draining ${g.draining() ? 1 : 0}`);
    head('genegym_calls_total', 'counter', 'Finished tool calls by environment, tool and outcome (ok, tool_error: the agent is told no, error: an error event).');
    const series = [...this.calls.values()].sort((a, b) => (a.env + a.tool < b.env + b.tool ? -1 : 1));
    for (const s of series) {
      for (const kind of ['ok', 'tool_error', 'error'] as const) {
        out.push(`genegym_calls_total{env=${q(s.env)},tool=${q(s.tool)},outcome="${kind}"} ${s.byKind[kind]}`);
      }
    }
    head('genegym_call_duration_seconds', 'histogram', 'Tool call latency, from the request to the outcome (sandboxed tools: their sandbox time).');
    for (const s of series) {
      const labels = `env=${q(s.env)},tool=${q(s.tool)}`;
      LATENCY_BUCKETS.forEach((le, i) => out.push(`genegym_call_duration_seconds_bucket{${labels},le="${le}"} ${s.buckets[i]}`));
      out.push(`genegym_call_duration_seconds_bucket{${labels},le="+Inf"} ${s.count}`);
      out.push(`genegym_call_duration_seconds_sum{${labels}} ${s.sum}`);
      out.push(`genegym_call_duration_seconds_count{${labels}} ${s.count}`);
    }
    head('genegym_http_errors_total', 'counter', 'Responses with a 4xx or 5xx status, by status.');
    for (const [status, n] of [...this.httpErrors].sort((a, b) => a[0] - b[0])) out.push(`genegym_http_errors_total{status="${status}"} ${n}`);
    const cpu = process.cpuUsage();
    head('process_cpu_seconds_total', 'counter', 'CPU time of the server process (user + system; sandboxed children not included).');
    out.push(`process_cpu_seconds_total ${(cpu.user + cpu.system) / 1e6}`);
    head('process_resident_memory_bytes', 'gauge', 'Resident memory of the server process.');
    out.push(`process_resident_memory_bytes ${process.memoryUsage.rss()}`);
    head('process_start_time_seconds', 'gauge', 'When the server started (Unix seconds).');
    out.push(`process_start_time_seconds ${Math.floor(this.started / 1000)}`);
    return out.join('\n') + '\n';
  }
}

/** A label value, quoted and escaped as the text format asks. */
function q(v: string): string {
  return `"${v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')}"`;
}
