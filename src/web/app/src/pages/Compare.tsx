// Compare page: two runs paired by (task, epoch) — the paired difference with its bootstrap
// interval, the exact McNemar test, the paired mean-reward difference, the same per domain, and
// the tasks that flipped either way with links to both transcripts. All numbers come from the
// runs compare module via the API.
import { useState } from 'preact/hooks';
import type { CompareView, Flip, RunListItem } from '../api';
import { DiffChart } from '../components/Plots';
import { interval, pct, pp, pValue } from '../format';
import { useApi } from '../hooks';
import { links } from '../router';

function Picker({ a, b }: { a: string | null; b: string | null }) {
  const runs = useApi<RunListItem[]>('runs');
  const [x, setX] = useState(a ?? '');
  const [y, setY] = useState(b ?? '');
  if (runs.state !== 'ok') return <p class="muted">{runs.state === 'error' ? runs.message : 'Loading runs…'}</p>;
  const opt = (r: RunListItem) => (
    <option value={r.run_id}>
      {r.label} · {r.env}/{r.split} · {r.run_id}
    </option>
  );
  return (
    <div class="toolbar">
      <select value={x} onChange={(e) => setX((e.target as HTMLSelectElement).value)} data-testid="cmp-a">
        <option value="">run A…</option>
        {runs.data.map(opt)}
      </select>
      <select value={y} onChange={(e) => setY((e.target as HTMLSelectElement).value)} data-testid="cmp-b">
        <option value="">run B…</option>
        {runs.data.map(opt)}
      </select>
      <a class={`button ${x && y ? '' : 'disabled'}`} href={x && y ? links.compare(x, y) : undefined} data-testid="cmp-go">
        Compare
      </a>
    </div>
  );
}

function FlipList({ title, flips, a, b, testid }: { title: string; flips: Flip[]; a: string; b: string; testid: string }) {
  return (
    <div class="flips" data-testid={testid} data-count={flips.length}>
      <h3>
        {title} <span class="muted">({flips.length})</span>
      </h3>
      {flips.length === 0 ? <p class="muted">none</p> : null}
      <ul>
        {flips.map((f) => (
          <li data-testid="flip" data-task={f.task_id} data-epoch={f.epoch}>
            <code>{f.task_id}</code> <span class="muted">epoch {f.epoch}{f.domain ? ` · ${f.domain}` : ''}</span>{' '}
            <a href={links.episode(a, f.a_key)} data-testid="flip-a">
              A transcript
            </a>{' '}
            ·{' '}
            <a href={links.episode(b, f.b_key)} data-testid="flip-b">
              B transcript
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
}

const reward = (x: number | null) => (x === null ? '—' : x.toFixed(3));
const signed = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(3)}`;

export function ComparePage({ a, b }: { a: string | null; b: string | null }) {
  const res = useApi<CompareView>(a && b ? `compare?a=${encodeURIComponent(a)}&b=${encodeURIComponent(b)}` : null);
  if (!a || !b) {
    return (
      <section>
        <h1>Compare two runs</h1>
        <Picker a={a} b={b} />
      </section>
    );
  }
  if (res.state === 'loading') return <p class="muted">Comparing…</p>;
  if (res.state === 'error') return <p class="error" data-testid="error">{res.message}</p>;
  const { comparison: c, flips, warnings } = res.data;
  const domains = Object.entries(c.by_domain).sort(([x], [y]) => x.localeCompare(y));
  const A = res.data.a;
  const B = res.data.b;
  return (
    <section>
      <p class="crumbs">
        <a href={links.leaderboard()}>Leaderboard</a> / compare
      </p>
      <h1>Compare</h1>
      <Picker a={a} b={b} />
      {warnings.map((w) => (
        <p class="warning">⚠ {w}</p>
      ))}
      <table class="cmp" data-testid="cmp-table">
        <thead>
          <tr>
            <th></th>
            <th>run</th>
            <th>accuracy on the paired set</th>
            <th>95% interval</th>
            <th>correct / pairs</th>
          </tr>
        </thead>
        <tbody>
          <tr data-testid="cmp-row-a" data-accuracy={c.a_accuracy ?? ''}>
            <td>A</td>
            <td>
              <a href={links.run(A.run_id)}>{A.label}</a> <span class="muted small">{A.run_id}</span>
            </td>
            <td class="num">{pct(c.a_accuracy)}</td>
            <td class="num">{interval(c.a_ci[0], c.a_ci[1])}</td>
            <td class="num">
              {c.a_correct} / {c.pairs}
            </td>
          </tr>
          <tr data-testid="cmp-row-b" data-accuracy={c.b_accuracy ?? ''}>
            <td>B</td>
            <td>
              <a href={links.run(B.run_id)}>{B.label}</a> <span class="muted small">{B.run_id}</span>
            </td>
            <td class="num">{pct(c.b_accuracy)}</td>
            <td class="num">{interval(c.b_ci[0], c.b_ci[1])}</td>
            <td class="num">
              {c.b_correct} / {c.pairs}
            </td>
          </tr>
        </tbody>
      </table>
      <div class="cards">
        <div class="card" data-testid="cmp-diff" data-diff={c.diff ?? ''} data-low={c.diff_ci_low ?? ''} data-high={c.diff_ci_high ?? ''}>
          <div class="big">{pp(c.diff)}</div>
          <div class="muted">
            B − A, 95% interval <span data-testid="cmp-diff-interval">{c.diff_ci_low === null ? '—' : `${pp(c.diff_ci_low)} to ${pp(c.diff_ci_high)}`}</span>
          </div>
          <div class="muted small">
            paired bootstrap over tasks, {c.bootstrap.resamples.toLocaleString('en-US')} resamples, seed {c.bootstrap.seed}
          </div>
        </div>
        <div class="card" data-testid="cmp-mcnemar" data-p={c.mcnemar_p}>
          <div class="big">p = {pValue(c.mcnemar_p)}</div>
          <div class="muted">
            exact McNemar on {c.a_only_correct + c.b_only_correct} discordant pairs ({c.a_only_correct} A-only, {c.b_only_correct} B-only)
          </div>
        </div>
        <div class="card" data-testid="cmp-reward" data-diff={c.reward.diff ?? ''} data-wilcoxon={c.reward.wilcoxon_p}>
          <div class="big">{c.reward.diff === null ? '—' : `${c.reward.diff >= 0 ? '+' : ''}${c.reward.diff.toFixed(3)}`}</div>
          <div class="muted">
            mean reward B − A ({c.reward.a_mean === null ? '—' : c.reward.a_mean.toFixed(3)} → {c.reward.b_mean === null ? '—' : c.reward.b_mean.toFixed(3)}), 95% interval{' '}
            {c.reward.diff_ci_low === null || c.reward.diff_ci_high === null ? '—' : `${c.reward.diff_ci_low.toFixed(3)} to ${c.reward.diff_ci_high.toFixed(3)}`}
          </div>
          <div class="muted small">
            B higher on {c.reward.b_higher}, lower on {c.reward.b_lower} pairs · Wilcoxon p = {pValue(c.reward.wilcoxon_p)} · sign test p = {pValue(c.reward.sign_test_p)}
          </div>
        </div>
        <div class="card" data-testid="cmp-pairs">
          <div class="big">{c.pairs}</div>
          <div class="muted">
            pairs graded in both · {c.excluded_not_graded} left out (ungraded or error) · {c.only_in_a} only in A · {c.only_in_b} only in B
          </div>
        </div>
      </div>
      {c.diff !== null && c.diff_ci_low !== null && c.diff_ci_high !== null ? <DiffChart diff={c.diff} low={c.diff_ci_low} high={c.diff_ci_high} /> : null}
      {domains.length > 1 || (domains.length === 1 && domains[0][0] !== '(none)') ? (
        <>
          <h2>By domain</h2>
          <table class="domains" data-testid="cmp-domains">
            <thead>
              <tr>
                <th>domain</th>
                <th>pairs</th>
                <th>accuracy A</th>
                <th>accuracy B</th>
                <th>mean reward A</th>
                <th>mean reward B</th>
                <th>reward B − A</th>
                <th>95% interval</th>
                <th>Wilcoxon p</th>
              </tr>
            </thead>
            <tbody>
              {domains.map(([d, v]) => (
                <tr data-domain={d}>
                  <td>{d}</td>
                  <td class="num">{v.pairs}</td>
                  <td class="num">{pct(v.a_correct / v.pairs)}</td>
                  <td class="num">{pct(v.b_correct / v.pairs)}</td>
                  <td class="num">{reward(v.a_mean_reward)}</td>
                  <td class="num">{reward(v.b_mean_reward)}</td>
                  <td class="num">{v.reward_diff === null ? '—' : signed(v.reward_diff)}</td>
                  <td class="num" data-low={v.reward_diff_ci_low ?? ''} data-high={v.reward_diff_ci_high ?? ''}>
                    {v.reward_diff_ci_low === null || v.reward_diff_ci_high === null ? '—' : `${v.reward_diff_ci_low.toFixed(3)} to ${v.reward_diff_ci_high.toFixed(3)}`}
                  </td>
                  <td class="num" data-p={v.reward_wilcoxon_p}>{pValue(v.reward_wilcoxon_p)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
      <div class="flip-cols">
        <FlipList title="A right, B wrong" flips={flips.a_only} a={A.run_id} b={B.run_id} testid="flips-a-only" />
        <FlipList title="A wrong, B right" flips={flips.b_only} a={A.run_id} b={B.run_id} testid="flips-b-only" />
      </div>
    </section>
  );
}
