// Transcript view: the prompt, each model turn with its tool calls (arguments pretty-printed),
// each tool output (long ones collapsed, the full text fetched on demand), the submitted
// answer beside the expected one (the answer key is for researchers: only this viewer has it),
// reward and timings.
import { useState } from 'preact/hooks';
import { api, enc, type Block, type Episode, type Expected, type ShapedEvent } from '../api';
import { date, int, json, ms, readableInput, usd } from '../format';
import { useApi } from '../hooks';
import { links } from '../router';

function Blocks({ blocks }: { blocks: Block[] }) {
  return (
    <>
      {blocks.map((b) => (b.type === 'text' ? <pre class="text">{b.text}</pre> : <img class="block-img" src={`data:${b.mimeType};base64,${b.data}`} alt="image block" />))}
    </>
  );
}

function ToolOutput({ runId, episodeKey, ev }: { runId: string; episodeKey: string; ev: ShapedEvent }) {
  const [full, setFull] = useState<ShapedEvent['event'] | null>(null);
  const [open, setOpen] = useState(false);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const shown = full ?? ev.event;
  if (shown.kind !== 'tool') return null;
  const expand = async () => {
    if (full) return setOpen(!open);
    setLoading(true);
    try {
      const r = await api<{ event: ShapedEvent['event'] }>(`runs/${enc(runId)}/episodes/${enc(episodeKey)}/events/${ev.index}`);
      setFull(r.event);
      setOpen(true);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setLoading(false);
    }
  };
  const out = shown.output;
  const body = out.ok ? <Blocks blocks={out.output.blocks} /> : <pre class="text error">{out.error}</pre>;
  return (
    <div class={`event tool ${out.ok ? '' : 'failed'}`} data-testid="event-tool" data-index={ev.index}>
      <div class="event-head">
        <span class="tag">tool output</span> <code>{shown.name}</code> <span class="muted">turn {shown.turn} · {ms(shown.ms)} · at {ms(shown.t)}</span>
        {out.ok && out.output.finished ? <span class="badge">finished · reward {out.output.reward ?? '—'}</span> : null}
      </div>
      {ev.truncated && !open ? (
        <div class="collapsed">
          {body}
          <button onClick={expand} disabled={loading} data-testid="expand-output">
            {loading ? 'loading…' : `Show full output (${int(ev.truncated.chars)} characters)`}
          </button>
        </div>
      ) : (
        <>
          {body}
          {full ? (
            <button onClick={() => setOpen(false)} data-testid="collapse-output">
              Collapse
            </button>
          ) : null}
        </>
      )}
      {error ? <p class="error">{error}</p> : null}
      {out.ok && out.output.metadata ? (
        <details>
          <summary class="muted small">metadata</summary>
          <pre class="json">{json(out.output.metadata)}</pre>
        </details>
      ) : null}
    </div>
  );
}

function Event({ runId, episodeKey, ev }: { runId: string; episodeKey: string; ev: ShapedEvent }) {
  const e = ev.event;
  if (e.kind === 'prompt') {
    return (
      <div class="event prompt" data-testid="event-prompt">
        <div class="event-head">
          <span class="tag">prompt</span> {e.tools.length ? <span class="muted">tools: {e.tools.map((t) => t.name).join(', ')}</span> : null}
        </div>
        <Blocks blocks={e.blocks} />
      </div>
    );
  }
  if (e.kind === 'agent') {
    return (
      <div class="event agent" data-testid="event-agent">
        <div class="event-head">
          <span class="tag">model</span> <span class="muted">turn {e.turn} · {ms(e.ms)} · at {ms(e.t)}{e.usage ? ` · ${int(e.usage.inputTokens)} in / ${int(e.usage.outputTokens)} out` : ''}{e.model ? ` · ${e.model}` : ''}</span>
        </div>
        {e.text ? <pre class="text">{e.text}</pre> : null}
        {e.calls.map((c) => (
          <div class="call" data-testid="tool-call">
            <div>
              call <code>{c.name}</code> <span class="muted small">{c.id}</span>
            </div>
            <pre class="json">{readableInput(c.input)}</pre>
            {c.parseError ? <p class="error">arguments did not parse: {c.parseError}</p> : null}
          </div>
        ))}
      </div>
    );
  }
  if (e.kind === 'tool') return <ToolOutput runId={runId} episodeKey={episodeKey} ev={ev} />;
  return (
    <div class="event error-event" data-testid="event-error">
      <div class="event-head">
        <span class="tag">error</span> <span class="muted">{e.where} · at {ms(e.t)}</span>
      </div>
      <pre class="text error">{e.message}</pre>
    </div>
  );
}

function ExpectedPanel({ runId, episodeKey }: { runId: string; episodeKey: string }) {
  const res = useApi<Expected>(`runs/${enc(runId)}/episodes/${enc(episodeKey)}/expected`);
  if (res.state === 'loading') return <p class="muted">regenerating the answer key…</p>;
  if (res.state === 'error') return <p class="error">{res.message}</p>;
  const x = res.data;
  if (x.status === 'unavailable') return <p class="muted" data-testid="expected-unavailable">{x.reason}</p>;
  return (
    <>
      <pre class="json" data-testid="expected-answer">{json(x.answer)}</pre>
      {x.accepted ? (
        <>
          <div class="muted small">accepted intervals</div>
          <pre class="json">{json(x.accepted)}</pre>
        </>
      ) : null}
      {x.note ? <div class="muted small">{x.note}</div> : null}
    </>
  );
}

export function TranscriptPage({ id, episodeKey }: { id: string; episodeKey: string }) {
  const res = useApi<Episode>(`runs/${enc(id)}/episodes/${enc(episodeKey)}`);
  if (res.state === 'loading') return <p class="muted">Loading episode {episodeKey}…</p>;
  if (res.state === 'error') return <p class="error" data-testid="error">{res.status === 404 ? `Not found: ${res.message}` : res.message}</p>;
  const { record: r, events, submitted, attempts, run } = res.data;
  const usage = r.usage;
  return (
    <section>
      <p class="crumbs">
        <a href={links.leaderboard()}>Leaderboard</a> / <a href={links.run(id)}>{run.label} · {run.env}</a> / episode
      </p>
      <h1>
        <span data-testid="tx-task">{r.task_id}</span> <span class="muted">epoch {r.epoch}</span> <span class={`badge ${r.outcome}`} data-testid="tx-outcome">{r.outcome}</span>
      </h1>
      <div class="cards">
        <div class="card" data-testid="tx-reward">
          <div class="big">{r.reward === null ? '—' : r.reward}</div>
          <div class="muted">reward</div>
        </div>
        <div class="card">
          <div class="big">{ms(r.duration_ms)}</div>
          <div class="muted">
            {date(r.started_at)} → {r.ended_at.slice(11, 19)}
          </div>
        </div>
        <div class="card">
          <div>
            {r.turns} turns · {r.tool_calls} tool calls{r.invalid_calls ? ` (${r.invalid_calls} invalid)` : ''} · {r.model_calls} model calls
          </div>
          <div class="muted">
            {int(usage.agent.inputTokens)} in / {int(usage.agent.outputTokens)} out · {usd(usage.agent.cost)}
            {usage.judge.calls ? ` · judge ${int(usage.judge.inputTokens + usage.judge.outputTokens)} tokens` : ''}
          </div>
        </div>
        <div class="card">
          <div>
            ended: {r.end_reason}
            {r.domain ? ` · ${r.domain}` : ''}
          </div>
          <div class="muted small">{r.detail}</div>
        </div>
      </div>
      {attempts.length > 1 ? (
        <p class="muted small" data-testid="tx-attempts">
          {attempts.length} attempts: {attempts.map((a) => `#${a.attempt} ${a.outcome}${a.final ? ' (counts)' : ''}`).join(', ')}
        </p>
      ) : null}
      <div class="answers">
        <div>
          <h3>Submitted</h3>
          {submitted ? (
            <pre class="json" data-testid="submitted-answer">{readableInput(submitted.input)}</pre>
          ) : (
            <p class="muted" data-testid="submitted-none">nothing was submitted</p>
          )}
        </div>
        <div>
          <h3>Expected <span class="muted small">(answer key — shown to researchers only, never to agents)</span></h3>
          <ExpectedPanel runId={id} episodeKey={episodeKey} />
        </div>
      </div>
      <details>
        <summary>task spec (what the agent was given)</summary>
        <pre class="json" data-testid="task-spec">{json(r.task)}</pre>
      </details>
      <h2>Transcript</h2>
      <div class="events">
        {events.map((ev) => (
          <Event runId={id} episodeKey={episodeKey} ev={ev} />
        ))}
      </div>
    </section>
  );
}
