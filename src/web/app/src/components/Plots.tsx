// Charts drawn with Observable Plot: dot-and-interval (accuracy with its 95% interval).
import * as Plot from '@observablehq/plot';
import { useEffect, useRef } from 'preact/hooks';

export interface IntervalDatum {
  label: string;
  value: number | null;
  low: number;
  high: number;
}

function Mount({ make, className }: { make: () => Element; className?: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const chart = make();
    el.replaceChildren(chart);
    return () => chart.remove();
  });
  return <div class={className} ref={ref} />;
}

/** One small dot-and-interval on a shared 0–100% axis, sized for a table cell. */
export function IntervalCell({ d }: { d: IntervalDatum }) {
  const data = [d];
  return (
    <Mount
      className="interval-cell"
      make={() =>
        Plot.plot({
          width: 160,
          height: 40,
          marginLeft: 12,
          marginRight: 14,
          marginTop: 4,
          marginBottom: 16,
          // a labelled 0 / 50 / 100% axis, so a cell reads on its own
          x: { domain: [0, 1], ticks: [0, 0.5, 1], tickFormat: (v: number) => `${Math.round(v * 100)}%`, tickSize: 3, label: null },
          y: { axis: null },
          marks: [
            Plot.ruleX([0, 0.5, 1], { stroke: '#ddd' }),
            Plot.ruleY(data, { x1: 'low', x2: 'high', y: () => 0, stroke: '#345', strokeWidth: 2 }),
            Plot.dot(data.filter((x) => x.value !== null), { x: 'value', y: () => 0, fill: '#c33', r: 4 }),
          ],
        })
      }
    />
  );
}

/** Horizontal dot-and-interval chart, one row per label (per-domain accuracy). */
export function IntervalChart({ data, xLabel }: { data: IntervalDatum[]; xLabel: string }) {
  return (
    <Mount
      className="interval-chart"
      make={() =>
        Plot.plot({
          width: 720,
          height: 40 + 26 * data.length,
          marginLeft: 190,
          x: { domain: [0, 1], label: xLabel, tickFormat: '.0%', grid: true },
          y: { label: null, domain: data.map((d) => d.label) },
          marks: [
            Plot.ruleY(data, { y: 'label', x1: 'low', x2: 'high', stroke: '#345', strokeWidth: 2 }),
            Plot.dot(data.filter((d) => d.value !== null), { y: 'label', x: 'value', fill: '#c33', r: 4, tip: true }),
          ],
        })
      }
    />
  );
}

/** A difference with its interval on a symmetric axis around zero. */
export function DiffChart({ diff, low, high }: { diff: number; low: number; high: number }) {
  const span = Math.max(0.1, Math.abs(low), Math.abs(high)) * 1.1;
  const data = [{ diff, low, high }];
  return (
    <Mount
      className="diff-chart"
      make={() =>
        Plot.plot({
          width: 520,
          height: 70,
          x: { domain: [-span, span], label: 'B − A (difference in accuracy)', tickFormat: '+.0%', grid: true },
          y: { axis: null },
          marks: [
            Plot.ruleX([0], { stroke: '#888' }),
            Plot.ruleY(data, { x1: 'low', x2: 'high', y: () => 0, stroke: '#345', strokeWidth: 2 }),
            Plot.dot(data, { x: 'diff', y: () => 0, fill: '#c33', r: 5 }),
          ],
        })
      }
    />
  );
}
