import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatBytes } from '../../lib/format';
import type { Histogram } from './fee-histogram';

const HEIGHT = 220;

/**
 * mempool.space-style histogram with uPlot: bytes waiting per fee-rate bucket,
 * with axes and a hover legend giving the bucket, its bytes and transactions.
 */
export function FeeHistogram({ h }: { h: Histogram }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const x = h.from.map((_, i) => i);
    const label = (i: number) => {
      const lo = h.from[i];
      if (lo === undefined) return '';
      const hi = h.to[i];
      return hi === null || hi === undefined ? `${lo}+` : hi - lo === 1 ? `${lo}` : `${lo}–${hi - 1}`;
    };
    const opts: uPlot.Options = {
      width: el.clientWidth,
      height: HEIGHT,
      legend: { show: true, live: true },
      cursor: { points: { show: false } },
      scales: { x: { time: false, range: [-0.5, x.length - 0.5] } },
      axes: [
        {
          label: 'fee rate (base units/byte)',
          stroke: '#94a3b8',
          // One tick per bucket (indices), thinned when narrow.
          incrs: [1, 2, 5, 10],
          space: 36,
          grid: { stroke: '#1e293b' },
          ticks: { stroke: '#334155' },
          values: (_u, splits) => splits.map((s) => label(s)),
        },
        { label: 'bytes waiting', stroke: '#94a3b8', grid: { stroke: '#1e293b' }, ticks: { stroke: '#334155' }, size: 60, values: (_u, splits) => splits.map((s) => formatBytes(s)) },
      ],
      series: [
        { label: 'fee rate', value: (_u, v) => (v === null ? '—' : `${label(v)} u/B`) },
        {
          label: 'waiting',
          stroke: '#f59e0b',
          fill: 'rgba(245, 158, 11, 0.45)',
          paths: uPlot.paths.bars!({ size: [0.8, 64] }),
          points: { show: false },
          value: (u, v, _s, i) => (v === null || i === null ? '—' : `${formatBytes(v)} in ${h.count[u.data[0]![i]!] ?? 0} tx`),
        },
      ],
    };
    const plot = new uPlot(opts, [x, h.bytes], el);
    const resize = new ResizeObserver(() => plot.setSize({ width: el.clientWidth, height: HEIGHT }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [h]);
  return <div ref={box} className="fee-histogram w-full min-w-0" role="img" aria-label={`Fee-rate histogram of the mempool: ${h.bytes.reduce((a, b) => a + b, 0)} bytes of transfers`} data-testid="fee-histogram" />;
}
