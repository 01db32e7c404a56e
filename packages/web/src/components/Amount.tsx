import { formatUnits } from '../lib/amount';

export function Amount({ units, className = '', sign }: { units: string | bigint | number; className?: string; sign?: '+' | '-' }) {
  return (
    <span className={`font-mono tabular-nums whitespace-nowrap ${className}`}>
      {sign ?? ''}
      {formatUnits(units, { group: true })} <span className="text-slate-400">HCK</span>
    </span>
  );
}
