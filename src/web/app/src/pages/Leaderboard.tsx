// Leaderboard: one row per (model/agent, environment, split), the newest run of each, with
// accuracy and its 95% Wilson interval, a per-domain (or per-case) heat table, tokens, cost
// and date. Sortable by any column, filterable by text, environment and split.
import { useMemo, useState } from 'preact/hooks';
import type { LeaderboardRow } from '../api';
import { IntervalCell } from '../components/Plots';
import { date, heat, int, interval, pct, usd } from '../format';
import { useApi } from '../hooks';
import { links } from '../router';

type SortKey = 'label' | 'split' | 'accuracy' | 'graded' | 'tokens' | 'cost' | 'date' | `domain:${string}`;

function sortValue(r: LeaderboardRow, key: SortKey): number | string | null {
  const it = r.run;
  if (key === 'label') return r.label.toLowerCase();
  if (key === 'split') return r.split;
  if (key === 'accuracy') return it.accuracy;
  if (key === 'graded') return it.correct + it.wrong;
  if (key === 'tokens') return it.tokens;
  if (key === 'cost') return it.cost;
  if (key === 'date') return it.created_at;
  return it.by_domain[key.slice('domain:'.length)]?.accuracy ?? null;
}

export function Leaderboard() {
  const res = useApi<LeaderboardRow[]>('leaderboard');
  const [text, setText] = useState('');
  const [env, setEnv] = useState('');
  const [split, setSplit] = useState('');
  const [sort, setSort] = useState<{ key: SortKey; desc: boolean }>({ key: 'accuracy', desc: true });
  const [picked, setPicked] = useState<string[]>([]);

  const rows = res.state === 'ok' ? res.data : [];
  const envs = useMemo(() => [...new Set(rows.map((r) => r.env))].sort(), [rows]);
  const splits = useMemo(() => [...new Set(rows.map((r) => r.split))].sort(), [rows]);
  const shown = useMemo(() => {
    const t = text.trim().toLowerCase();
    const kept = rows.filter((r) => (!env || r.env === env) && (!split || r.split === split) && (!t || `${r.label} ${r.env} ${r.split} ${r.run.run_id}`.toLowerCase().includes(t)));
    const dir = sort.desc ? -1 : 1;
    return kept.sort((a, b) => {
      const x = sortValue(a, sort.key);
      const y = sortValue(b, sort.key);
      if (x === y) return a.label.localeCompare(b.label);
      if (x === null) return 1; // missing values last, whichever the direction
      if (y === null) return -1;
      return (x < y ? -1 : 1) * dir;
    });
  }, [rows, text, env, split, sort]);

  if (res.state === 'loading') return <p class="muted">Loading runs…</p>;
  if (res.state === 'error') return <p class="error">Could not load the leaderboard: {res.message}</p>;
  if (rows.length === 0) return <p>No runs yet. Run an evaluation (<code>genegym eval …</code>) and reload.</p>;

  const byEnv = envs.filter((e) => shown.some((r) => r.env === e));
  const toggle = (id: string) => setPicked((p) => (p.includes(id) ? p.filter((x) => x !== id) : [...p.slice(-1), id]));
  const header = (key: SortKey, label: string, title?: string) => (
    <th
      class={`sortable ${sort.key === key ? (sort.desc ? 'desc' : 'asc') : ''}`}
      title={title ?? `sort by ${label}`}
      onClick={() => setSort((s) => ({ key, desc: s.key === key ? !s.desc : key !== 'label' && key !== 'split' }))}
      data-sort={key}
    >
      {label}
    </th>
  );

  return (
    <section>
      <h1>Leaderboard</h1>
      <div class="toolbar">
        <input type="search" placeholder="filter by model, agent, run…" value={text} onInput={(e) => setText((e.target as HTMLInputElement).value)} data-testid="lb-filter" />
        <select value={env} onChange={(e) => setEnv((e.target as HTMLSelectElement).value)} data-testid="lb-env">
          <option value="">all environments</option>
          {envs.map((e) => (
            <option value={e}>{e}</option>
          ))}
        </select>
        <select value={split} onChange={(e) => setSplit((e.target as HTMLSelectElement).value)} data-testid="lb-split">
          <option value="">all splits</option>
          {splits.map((s) => (
            <option value={s}>{s}</option>
          ))}
        </select>
        <a class={`button ${picked.length === 2 ? '' : 'disabled'}`} href={picked.length === 2 ? links.compare(picked[0], picked[1]) : undefined} data-testid="lb-compare">
          Compare selected ({picked.length}/2)
        </a>
      </div>
      <p class="muted small">
        Accuracy = correct / (correct + wrong); ungraded and errored episodes are left out. Bars are 95% Wilson intervals; each row is the newest run of its
        model/agent, environment and split.
      </p>
      {byEnv.map((e) => {
        const envRows = shown.filter((r) => r.env === e);
        const domains = [...new Set(envRows.flatMap((r) => Object.keys(r.run.by_domain)))].sort();
        return (
          <div class="lb-env" data-env={e}>
            <h2>{e}</h2>
            <div class="table-wrap">
              <table class="lb" data-testid={`lb-table-${e}`}>
                <thead>
                  <tr>
                    <th title="pick two runs to compare">⇄</th>
                    {header('label', 'model / agent')}
                    {header('split', 'split')}
                    {header('accuracy', 'accuracy')}
                    <th>95% interval</th>
                    {header('graded', 'graded', 'correct + wrong episodes')}
                    {domains.map((d) => header(`domain:${d}`, d.replace(/_/g, ' '), `accuracy in ${d}`))}
                    {header('tokens', 'tokens', 'agent input + output tokens')}
                    {header('cost', 'cost')}
                    {header('date', 'date')}
                  </tr>
                </thead>
                <tbody>
                  {envRows.map((r) => {
                    const it = r.run;
                    return (
                      <tr data-testid="lb-row" data-run={it.run_id} data-accuracy={it.accuracy ?? ''} data-ci-low={it.ci_low} data-ci-high={it.ci_high}>
                        <td>
                          <input type="checkbox" checked={picked.includes(it.run_id)} onChange={() => toggle(it.run_id)} aria-label={`pick ${it.run_id}`} data-testid="lb-pick" />
                        </td>
                        <td>
                          <a href={links.run(it.run_id)} data-testid="lb-run-link">
                            {r.label}
                          </a>
                          <div class="muted small">
                            {it.run_id}
                            {r.runs.length > 1 ? ` · ${r.runs.length} runs` : ''}
                            {it.status !== 'complete' ? ` · ${it.status}` : ''}
                          </div>
                        </td>
                        <td>{r.split}</td>
                        <td class="num" data-testid="lb-accuracy">
                          {pct(it.accuracy)}
                        </td>
                        <td>
                          <IntervalCell d={{ label: r.label, value: it.accuracy, low: it.ci_low, high: it.ci_high }} />
                          <div class="muted small" data-testid="lb-interval">
                            {interval(it.ci_low, it.ci_high)}
                          </div>
                        </td>
                        <td class="num">{int(it.correct + it.wrong)}</td>
                        {domains.map((d) => {
                          const s = it.by_domain[d];
                          return (
                            <td class="heat num" style={{ background: heat(s?.accuracy ?? null) }} title={s ? `${d}: ${s.correct}/${s.correct + s.wrong} correct; 95% ${interval(s.ci_low, s.ci_high)}; ${s.ungraded} ungraded, ${s.errors} errors` : `${d}: no episodes`} data-domain={d} data-testid="lb-heat">
                              {s ? pct(s.accuracy) : ''}
                            </td>
                          );
                        })}
                        <td class="num">{int(it.tokens)}</td>
                        <td class="num">{usd(it.cost)}</td>
                        <td>{date(it.created_at)}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          </div>
        );
      })}
      {shown.length === 0 ? <p class="muted">No row matches the filters.</p> : null}
    </section>
  );
}
