import { useRef, useState } from 'react';
import { flushSync } from 'react-dom';
import type { ContractAction } from '@hackcoin/core';
import { useFeeEstimate } from '../../hooks/useFeeEstimate';
import { useNodeInfo } from '../../state/node-info';
import { minGasPriceFor } from './contract-tx';
import { DEFAULT_GAS, gasFieldId, readGas, type GasForm } from './GasFields';

/** The gas fields an estimate may fill. */
type Filled = 'gasLimit' | 'gasPrice';
const FILLED: readonly Filled[] = ['gasLimit', 'gasPrice'];

/** One estimate request: which request it was and how many edits each field had when it was asked for. */
export interface EstimateTicket {
  readonly seq: number;
  readonly edits: Readonly<Record<Filled, number>>;
}

/**
 * A panel's gas fields and the rule for filling them from an estimate, as
 * Remix and MetaMask do it: the user's own figure always wins. An estimate
 * fills a field only if it answers the newest request, the user has not
 * edited that field since the request, and the field is not focused (a user
 * who clicked into it is about to type: the browser would otherwise keep their
 * caret or selection from before the fill and append to the estimate).
 */
export function useGasForm(idPrefix: string) {
  const [gas, setGas] = useState<GasForm>(DEFAULT_GAS);
  const edits = useRef<Record<Filled, number>>({ gasLimit: 0, gasPrice: 0 });
  const asked = useRef(0);

  const edit = (next: GasForm) => {
    for (const f of FILLED) if (next[f] !== gas[f]) edits.current[f] += 1;
    setGas(next);
  };

  const ask = (): EstimateTicket => ({ seq: ++asked.current, edits: { ...edits.current } });

  /** Whether no estimate was asked for after this one (an older answer is shown nowhere). */
  const isLatest = (t: EstimateTicket) => t.seq === asked.current;

  /** Fills the fields the rule allows with the estimate's figures; returns the fields filled. */
  const fill = (t: EstimateTicket, figures: Record<Filled, string>): Filled[] => {
    if (!isLatest(t)) return [];
    const focused = document.activeElement?.id;
    const open = FILLED.filter((f) => edits.current[f] === t.edits[f] && focused !== gasFieldId(idPrefix, f));
    if (open.length === 0) return [];
    // Committed in this task: a focus or keystroke cannot slip in between the check above and the field's new value.
    flushSync(() => setGas((g) => open.reduce((out, f) => ({ ...out, [f]: figures[f] }), g)));
    return open;
  };

  return { gas, ask, isLatest, fill, fieldProps: { gas, onChange: edit, idPrefix } };
}

/**
 * The least gas price the node relays `action` at with the gas limit typed in `gas` (minGasPriceFor),
 * for GasFields to show before anything is signed; resolveGas holds the price to it when signing.
 * Undefined while the limit is blank or invalid, the action or the node's floor unknown, or no
 * price pays that floor (signing then says so).
 */
export function useMinGasPrice(gas: GasForm, action: ContractAction | undefined): bigint | undefined {
  const { data: node } = useNodeInfo();
  const { estimate } = useFeeEstimate();
  const g = readGas(gas);
  if (!node || !estimate || !action || 'error' in g || g.gasLimit === undefined) return undefined;
  try {
    return minGasPriceFor(node.network, action, g.gasLimit, g.value, estimate.minFeeRate);
  } catch {
    return undefined;
  }
}
