export interface Point {
  x: number;
  y: number;
}

interface Props {
  points: Point[];
  title: string;
  formatY?: (y: number) => string;
  formatX?: (x: number) => string;
  color?: string;
  height?: number;
  /** Draw bars instead of a line (e.g. per-block intervals). */
  bars?: boolean;
}

const W = 320;
const PAD = { l: 4, r: 4, t: 8, b: 4 };

/** A small dependency-free SVG chart that scales to its container's width. */
export function LineChart({ points, title, formatY = (y) => y.toFixed(0), formatX = (x) => String(x), color = '#f59e0b', height = 120, bars = false }: Props) {
  if (points.length < 2) {
    return <p className="py-8 text-center text-sm text-slate-500">Not enough data yet for “{title}”.</p>;
  }
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  const minX = Math.min(...xs);
  const maxX = Math.max(...xs);
  const maxY = Math.max(...ys);
  const minY = bars ? 0 : Math.min(...ys);
  const spanY = maxY - minY || Math.abs(maxY) || 1;
  const spanX = maxX - minX || 1;
  const H = height;
  const sx = (x: number) => PAD.l + ((x - minX) / spanX) * (W - PAD.l - PAD.r);
  const sy = (y: number) => PAD.t + (1 - (y - minY) / spanY) * (H - PAD.t - PAD.b);
  const last = points[points.length - 1]!;
  const line = points.map((p, i) => `${i ? 'L' : 'M'}${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`).join(' ');
  const barW = Math.max(1, (W - PAD.l - PAD.r) / points.length - 1);
  const desc = `${title}: ${points.length} points from ${formatX(minX)} to ${formatX(maxX)}, range ${formatY(minY)} to ${formatY(maxY)}, latest ${formatY(last.y)}`;
  return (
    <figure className="min-w-0">
      <figcaption className="mb-1 flex items-baseline justify-between gap-2 text-xs text-slate-400">
        <span className="truncate">{title}</span>
        <span className="font-mono text-slate-200">{formatY(last.y)}</span>
      </figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} preserveAspectRatio="none" role="img" aria-label={desc} className="block h-28 w-full rounded bg-slate-950/60">
        <line x1={PAD.l} x2={W - PAD.r} y1={sy(minY)} y2={sy(minY)} stroke="#334155" strokeWidth="1" vectorEffect="non-scaling-stroke" />
        {bars ? (
          points.map((p) => (
            <rect key={p.x} x={sx(p.x) - barW / 2} y={sy(p.y)} width={barW} height={Math.max(0.5, sy(minY) - sy(p.y))} fill={color} opacity="0.8" />
          ))
        ) : (
          <>
            <path d={`${line} L${sx(last.x)},${sy(minY)} L${sx(minX)},${sy(minY)} Z`} fill={color} opacity="0.12" />
            <path d={line} fill="none" stroke={color} strokeWidth="2" vectorEffect="non-scaling-stroke" strokeLinejoin="round" />
          </>
        )}
      </svg>
      <div className="mt-1 flex justify-between font-mono text-[10px] text-slate-500">
        <span>{formatX(minX)}</span>
        <span>
          min {formatY(minY)} · max {formatY(maxY)}
        </span>
        <span>{formatX(maxX)}</span>
      </div>
    </figure>
  );
}
