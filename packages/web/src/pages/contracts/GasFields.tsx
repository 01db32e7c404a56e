import { TextField } from '../../components/Field';
import { formatHckAmount, parseAmountInput } from '../../lib/amount';

export interface GasForm {
  gasLimit: string;
  gasPrice: string;
  value: string;
}

export const DEFAULT_GAS: GasForm = { gasLimit: '1000000', gasPrice: '1', value: '0' };

export function readGas(g: GasForm): { gasLimit: number; gasPrice: bigint; value: bigint } | { error: string } {
  const gasLimit = Number(g.gasLimit);
  if (!Number.isSafeInteger(gasLimit) || gasLimit <= 0) return { error: 'Gas limit must be a positive integer' };
  if (!/^\d+$/.test(g.gasPrice.trim())) return { error: 'Gas price is a whole number of base units per gas' };
  const value = parseAmountInput(g.value || '0', { allowZero: true });
  if (!value.ok) return { error: `Value: ${value.error}` };
  return { gasLimit, gasPrice: BigInt(g.gasPrice.trim()), value: value.units };
}

export function GasFields({ gas, onChange, idPrefix }: { gas: GasForm; onChange: (g: GasForm) => void; idPrefix: string }) {
  const r = readGas(gas);
  return (
    <div className="space-y-1">
      <div className="grid grid-cols-1 gap-2 sm:grid-cols-3">
        <TextField id={`${idPrefix}-gas-limit`} label="Gas limit" inputMode="numeric" value={gas.gasLimit} onChange={(e) => onChange({ ...gas, gasLimit: e.target.value })} />
        <TextField id={`${idPrefix}-gas-price`} label="Gas price (units/gas)" inputMode="numeric" value={gas.gasPrice} onChange={(e) => onChange({ ...gas, gasPrice: e.target.value })} />
        <TextField id={`${idPrefix}-value`} label="Value (HCK)" inputMode="decimal" value={gas.value} onChange={(e) => onChange({ ...gas, value: e.target.value })} />
      </div>
      <p className={`text-xs ${'error' in r ? 'text-rose-300' : 'text-slate-400'}`}>{'error' in r ? r.error : `Maximum fee ${formatHckAmount(BigInt(r.gasLimit) * r.gasPrice)}`}</p>
    </div>
  );
}
