import { formatUnits, toUnits, type AmountUnit } from '../lib/amount';

/** An amount of base units, shown in HCK or, where the user chose so, in base units. */
export function Amount({ units, className = '', sign, unit = 'HCK' }: { units: string | bigint | number; className?: string; sign?: '+' | '-'; unit?: AmountUnit }) {
  return (
    <span className={`font-mono tabular-nums whitespace-nowrap ${className}`}>
      {sign ?? ''}
      {unit === 'HCK' ? formatUnits(units, { group: true }) : toUnits(units).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',')} <span className="text-slate-400">{unit === 'HCK' ? 'HCK' : 'base units'}</span>
    </span>
  );
}
