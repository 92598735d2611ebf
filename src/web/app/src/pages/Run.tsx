// Run page: summary numbers, per-domain accuracy chart and the filterable episodes table.
import { useEffect, useState } from 'preact/hooks';
import { OUTCOMES, type RunDetail, type RunListItem } from '../api';
import { EpisodeTable, type EpisodeFilter } from '../components/EpisodeTable';
import { IntervalChart } from '../components/Plots';
import { date, int, interval, ms, pct, usd } from '../format';
import { useApi } from '../hooks';
import { links } from '../router';

export function RunPage({ id }: { id: string }) {
  const res = useApi<RunDetail>(`runs/${encodeURIComponent(id)}`);
  const others = useApi<RunListItem[]>('runs');
  const [filter, setFilter] = useState<EpisodeFilter>({ outcome: '', domain: '', q: '' });
  const [typed, setTyped] = useState('');
  // Search as you type, without a request per keystroke.
  useEffect(() => {
    const t = setTimeout(() => setFilter((f) => (f.q === typed.trim() ? f : { ...f, q: typed.trim() })), 250);
    return () => clearTimeout(t);
  }, [typed]);

  if (res.state === 'loading') return <p class="muted">Loading run {id}…</p>;
  if (res.state === 'error') return <p class="error" data-testid="error">{res.status === 404 ? `No such run: ${res.message}` : `Could not load run ${id}: ${res.message}`}</p>;
  const { item, summary, config, domains } = res.data;
  const domainData = Object.entries(summary.by_domain).map(([d, s]) => ({ label: d, value: s.accuracy, low: s.ci_low, high: s.ci_high }));
  const peers = others.state === 'ok' ? others.data.filter((r) => r.run_id !== id && r.env === item.env) : [];

  return (
    <section>
      <p class="crumbs">
        <a href={links.leaderboard()}>Leaderboard</a> / run
      </p>
      <h1>
        {item.label} <span class="muted">· {item.env} / {item.split}</span>
      </h1>
      <div class="cards">
        <div class="card" data-testid="run-accuracy" data-value={summary.accuracy ?? ''}>
          <div class="big">{pct(summary.accuracy)}</div>
          <div class="muted">accuracy</div>
        </div>
        <div class="card" data-testid="run-interval" data-low={summary.ci_low} data-high={summary.ci_high}>
          <div class="big">{interval(summary.ci_low, summary.ci_high)}</div>
          <div class="muted">95% Wilson interval</div>
        </div>
        <div class="card" data-testid="run-counts">
          <div>
            <span class="badge correct">{summary.correct} correct</span> <span class="badge wrong">{summary.wrong} wrong</span>{' '}
            <span class="badge ungraded">{summary.ungraded} ungraded</span> <span class="badge error">{summary.errors} error</span>
          </div>
          <div class="muted">
            {summary.episodes} of {item.planned} planned episodes · {item.status}
          </div>
        </div>
        <div class="card">
          <div>mean reward {summary.mean_reward === null ? '—' : summary.mean_reward.toFixed(3)}</div>
          {summary.pass_k.map((p) => (
            <div data-testid={`run-pass-${p.k}`}>
              pass@{p.k} {pct(p.pass_at_k)} · pass^{p.k} {pct(p.pass_hat_k)} <span class="muted">({p.tasks} tasks)</span>
            </div>
          ))}
        </div>
        <div class="card">
          <div data-testid="run-tokens">
            {int(summary.usage.agent.inputTokens + summary.usage.agent.outputTokens)} agent tokens · {usd(item.cost)}
          </div>
          <div class="muted">
            {int(summary.usage.agent.calls)} model calls{summary.usage.judge.calls ? ` · judge ${int(summary.usage.judge.inputTokens + summary.usage.judge.outputTokens)} tokens` : ''} · {ms(summary.duration_ms)} episode time
          </div>
        </div>
      </div>
      <p class="muted small">
        run <code>{item.run_id}</code> · started {date(item.created_at)} · {config.epochs} epoch{config.epochs === 1 ? '' : 's'} · agent {config.agent}
        {config.model ? ` · model ${config.model}` : ''} · {(item.size_bytes / 1e6).toFixed(1)} MB of records
        {peers.length > 0 ? (
          <>
            {' · compare with '}
            <select onChange={(e) => (location.hash = links.compare(id, (e.target as HTMLSelectElement).value))} data-testid="run-compare-with">
              <option value="">…</option>
              {peers.map((p) => (
                <option value={p.run_id}>
                  {p.label} ({p.run_id})
                </option>
              ))}
            </select>
          </>
        ) : null}
      </p>
      {domainData.length > 1 || (domainData.length === 1 && domainData[0].label !== '(none)') ? (
        <>
          <h2>By {item.env === 'case-studies' ? 'case' : 'domain'}</h2>
          <IntervalChart data={domainData} xLabel="accuracy (95% interval)" />
          <table class="domains" data-testid="run-domains">
            <thead>
              <tr>
                <th>{item.env === 'case-studies' ? 'case' : 'domain'}</th>
                <th>accuracy</th>
                <th>95% interval</th>
                <th>correct</th>
                <th>wrong</th>
                <th>ungraded</th>
                <th>error</th>
              </tr>
            </thead>
            <tbody>
              {Object.entries(summary.by_domain).map(([d, s]) => (
                <tr data-domain={d}>
                  <td>
                    <a href="javascript:void 0" onClick={() => setFilter((f) => ({ ...f, domain: d }))}>
                      {d}
                    </a>
                  </td>
                  <td class="num">{pct(s.accuracy)}</td>
                  <td class="num">{interval(s.ci_low, s.ci_high)}</td>
                  <td class="num">{s.correct}</td>
                  <td class="num">{s.wrong}</td>
                  <td class="num">{s.ungraded}</td>
                  <td class="num">{s.errors}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
      <h2>Episodes</h2>
      <div class="toolbar">
        <div class="seg" role="group" aria-label="outcome">
          {['', ...OUTCOMES].map((o) => (
            <button class={filter.outcome === o ? 'on' : ''} onClick={() => setFilter((f) => ({ ...f, outcome: o }))} data-testid={`filter-outcome-${o || 'all'}`}>
              {o || 'all'}
            </button>
          ))}
        </div>
        <select value={filter.domain} onChange={(e) => setFilter((f) => ({ ...f, domain: (e.target as HTMLSelectElement).value }))} data-testid="filter-domain">
          <option value="">all {item.env === 'case-studies' ? 'cases' : 'domains'}</option>
          {domains.map((d) => (
            <option value={d}>{d}</option>
          ))}
        </select>
        <input type="search" placeholder="search task id, question, detail…" value={typed} onInput={(e) => setTyped((e.target as HTMLInputElement).value)} data-testid="filter-search" />
      </div>
      <EpisodeTable runId={id} filter={filter} />
    </section>
  );
}
