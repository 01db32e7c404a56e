import { Card } from '../../components/Card';
import { formatHashrate } from '../../lib/format';

/** Hash rate of each mining thread, as bars scaled to the fastest. */
export function ThreadRates({ rates, running }: { rates: number[]; running: boolean }) {
  const max = Math.max(1, ...rates);
  return (
    <Card title="Per thread">
      {rates.length === 0 ? (
        <p className="text-sm text-slate-400">{running ? 'Threads are starting…' : 'No threads running.'}</p>
      ) : (
        <ol className="max-h-72 space-y-2 overflow-y-auto pr-1" data-testid="thread-rates" aria-label="Hash rate per thread">
          {rates.map((r, i) => (
            <li key={i} className="grid grid-cols-[4.5rem_1fr_5.5rem] items-center gap-2 text-sm" data-testid="thread-rate">
              <span className="text-slate-400">Thread {i + 1}</span>
              <span className="h-2 overflow-hidden rounded-full bg-slate-800" aria-hidden>
                <span className="block h-full rounded-full bg-emerald-400" style={{ width: `${Math.max(2, (r / max) * 100)}%` }} />
              </span>
              <span className="text-right tabular-nums">{formatHashrate(r)}</span>
            </li>
          ))}
        </ol>
      )}
    </Card>
  );
}
