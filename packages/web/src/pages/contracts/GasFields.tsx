import { TextField } from '../../components/Field';
import { formatHckAmount, parseAmountInput } from '../../lib/amount';

/** Text of the gas inputs; a blank gas limit or price is filled in when signing (estimate / fee estimate). */
export interface GasForm {
  gasLimit: string;
  gasPrice: string;
  value: string;
}

export const DEFAULT_GAS: GasForm = { gasLimit: '', gasPrice: '', value: '0' };

/** The element id of a gas input in the GasFields of this prefix. */
export function gasFieldId(idPrefix: string, field: 'gasLimit' | 'gasPrice'): string {
  return `${idPrefix}-${field === 'gasLimit' ? 'gas-limit' : 'gas-price'}`;
}

export interface ReadGas {
  gasLimit?: number;
  gasPrice?: bigint;
  value: bigint;
}

export function readGas(g: GasForm): ReadGas | { error: string } {
  const out: ReadGas = { value: 0n };
  const limit = g.gasLimit.trim();
  if (limit !== '') {
    const n = Number(limit);
    if (!/^\d+$/.test(limit) || !Number.isSafeInteger(n) || n <= 0) return { error: 'Gas limit must be a positive whole number (or blank: estimate)' };
    out.gasLimit = n;
  }
  const price = g.gasPrice.trim();
  if (price !== '') {
    if (!/^(0|[1-9]\d{0,19})$/.test(price)) return { error: 'Gas price is a whole number of base units per gas (or blank: from the fee estimate)' };
    out.gasPrice = BigInt(price);
  }
  const value = parseAmountInput(g.value || '0', { allowZero: true });
  if (!value.ok) return { error: `Value: ${value.error}` };
  out.value = value.units;
  return out;
}

/**
 * What the note under the fields says. `minGasPrice` is the node's relay minimum at the typed gas
 * limit: a declared gas limit counts as block space, so a large one needs a higher price than the
 * node's estimate, which is per gas used, and a typed price below it would be refused.
 */
function gasNote(r: ReadGas | { error: string }, minGasPrice: bigint | undefined): { text: string; bad: boolean } {
  if ('error' in r) return { text: r.error, bad: true };
  if (r.gasLimit !== undefined && minGasPrice !== undefined && r.gasPrice !== undefined && r.gasPrice < minGasPrice) {
    return {
      text: `Gas price below ${minGasPrice.toLocaleString('en-US')}, the least the node relays this at a gas limit of ${r.gasLimit.toLocaleString('en-US')} (declared gas counts as block space): raise the price or lower the gas limit.`,
      bad: true,
    };
  }
  // Named only above 1, the least price any wallet quotes: only there does the gas limit change it.
  const floor = minGasPrice !== undefined && minGasPrice > 1n ? ` At this gas limit the node asks at least ${minGasPrice.toLocaleString('en-US')} per gas (declared gas counts as block space).` : '';
  if (r.gasLimit !== undefined && r.gasPrice !== undefined) {
    return { text: `Maximum fee ${formatHckAmount(BigInt(r.gasLimit) * r.gasPrice)} (gas limit × price; unused gas is refunded).${floor}`, bad: false };
  }
  return { text: `Blank gas limit: the node’s estimate plus a margin. Blank price: from the node’s fee estimate, at least its minimum for the gas limit.${floor}`, bad: false };
}

export function GasFields({ gas, onChange, idPrefix, minGasPrice }: { gas: GasForm; onChange: (g: GasForm) => void; idPrefix: string; minGasPrice?: bigint | undefined }) {
  const note = gasNote(readGas(gas), minGasPrice);
  return (
    <div className="space-y-1">
      <div className="grid grid-cols-1 gap-2 sm:grid-cols-3">
        <TextField id={gasFieldId(idPrefix, 'gasLimit')} label="Gas limit" inputMode="numeric" placeholder="auto (estimate)" value={gas.gasLimit} onChange={(e) => onChange({ ...gas, gasLimit: e.target.value })} />
        <TextField id={gasFieldId(idPrefix, 'gasPrice')} label="Gas price (units/gas)" inputMode="numeric" placeholder="auto (fee estimate)" value={gas.gasPrice} onChange={(e) => onChange({ ...gas, gasPrice: e.target.value })} />
        <TextField id={`${idPrefix}-value`} label="Value (HCK)" inputMode="decimal" value={gas.value} onChange={(e) => onChange({ ...gas, value: e.target.value })} />
      </div>
      <p className={`text-xs ${note.bad ? 'text-rose-300' : 'text-slate-400'}`} data-testid={`${idPrefix}-gas-note`}>
        {note.text}
      </p>
    </div>
  );
}
