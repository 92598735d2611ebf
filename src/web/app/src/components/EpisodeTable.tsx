// The episodes table: virtualised (only the rows in view are in the DOM) and paged (blocks of
// rows are fetched from the API as they scroll into view), so 100,000 episodes stay smooth.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, enc, type EpisodePage, type EpisodeRow } from '../api';
import { int, ms } from '../format';
import { links } from '../router';

const ROW_H = 30;
const BLOCK = 200;
const OVERSCAN = 10;

export interface EpisodeFilter {
  outcome: string;
  domain: string;
  q: string;
}

export function EpisodeTable({ runId, filter }: { runId: string; filter: EpisodeFilter }) {
  const query = useMemo(() => {
    const p = new URLSearchParams();
    if (filter.outcome) p.set('outcome', filter.outcome);
    if (filter.domain) p.set('domain', filter.domain);
    if (filter.q) p.set('q', filter.q);
    return p.toString();
  }, [filter.outcome, filter.domain, filter.q]);
  const [total, setTotal] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const blocks = useRef(new Map<number, EpisodeRow[] | 'loading'>());
  const [version, setVersion] = useState(0);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(600);
  const box = useRef<HTMLDivElement>(null);
  const generation = useRef(0);

  const load = (block: number) => {
    if (blocks.current.has(block)) return;
    blocks.current.set(block, 'loading');
    const gen = generation.current;
    api<EpisodePage>(`runs/${enc(runId)}/episodes?offset=${block * BLOCK}&limit=${BLOCK}${query ? `&${query}` : ''}`).then(
      (page) => {
        if (gen !== generation.current) return;
        blocks.current.set(block, page.rows);
        setTotal(page.total);
        setVersion((v) => v + 1);
      },
      (err: Error) => {
        if (gen !== generation.current) return;
        blocks.current.delete(block);
        setError(err.message);
      },
    );
  };

  // New filter: forget every block and start from the top.
  useEffect(() => {
    generation.current++;
    blocks.current = new Map();
    setTotal(null);
    setError(null);
    if (box.current) box.current.scrollTop = 0;
    setScrollTop(0);
    load(0);
  }, [runId, query]);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setHeight(el.clientHeight));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  const first = Math.max(0, Math.floor(scrollTop / ROW_H) - OVERSCAN);
  const last = Math.min((total ?? 0) - 1, Math.ceil((scrollTop + height) / ROW_H) + OVERSCAN);
  useEffect(() => {
    if (total === null) return;
    for (let b = Math.floor(first / BLOCK); b <= Math.floor(Math.max(first, last) / BLOCK); b++) load(b);
  }, [first, last, total, version]);

  const rows: Array<{ i: number; row: EpisodeRow | null }> = [];
  for (let i = first; i <= last; i++) {
    const b = blocks.current.get(Math.floor(i / BLOCK));
    rows.push({ i, row: Array.isArray(b) ? b[i % BLOCK] ?? null : null });
  }

  return (
    <div class="episodes">
      <div class="episodes-count" data-testid="episode-count" data-total={total ?? ''}>
        {error ? <span class="error">{error}</span> : total === null ? 'loading…' : `${int(total)} episodes`}
      </div>
      <div class="ep-row ep-head">
        <span>task</span>
        <span>epoch</span>
        <span>domain</span>
        <span>outcome</span>
        <span>reward</span>
        <span>turns</span>
        <span>tokens</span>
        <span>time</span>
        <span>detail</span>
      </div>
      <div class="ep-scroll" ref={box} onScroll={(e) => setScrollTop((e.currentTarget as HTMLDivElement).scrollTop)} data-testid="episode-scroll">
        <div style={{ height: `${(total ?? 0) * ROW_H}px`, position: 'relative' }}>
          {rows.map(({ i, row }) => (
            <div class="ep-row" style={{ top: `${i * ROW_H}px`, height: `${ROW_H}px` }} key={i} data-testid={row ? 'episode-row' : 'episode-row-loading'} data-key={row?.key}>
              {row ? (
                <>
                  <a href={links.episode(runId, row.key)} title={row.task_id}>
                    {row.task_id}
                  </a>
                  <span>{row.epoch}</span>
                  <span>{row.domain ?? '—'}</span>
                  <span class={`badge ${row.outcome}`}>{row.outcome}</span>
                  <span>{row.reward === null ? '—' : row.reward.toFixed(2)}</span>
                  <span>{row.turns}</span>
                  <span>{int(row.agent_in + row.agent_out)}</span>
                  <span>{ms(row.duration_ms)}</span>
                  <span class="detail" title={row.detail ?? ''}>
                    {row.detail ?? ''}
                  </span>
                </>
              ) : (
                <span class="muted">…</span>
              )}
            </div>
          ))}
        </div>
      </div>
    </div>
  );
}
