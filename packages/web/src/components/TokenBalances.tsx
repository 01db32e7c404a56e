import { useEffect, useRef, useState } from 'react';
import { useApi } from '../hooks/useApi';
import { errorText } from '../lib/api';
import type { ContractList } from '../lib/types';
import { CONTRACTS_SCANNED, formatTokenUnits, MAX_TOKENS, tokenBalances, type TokenBalance } from '../lib/token-balances';
import { useNodeDistrust } from '../state/node-distrust';
import { useRealtime, useTopics } from '../state/realtime';
import { Card } from './Card';
import { AddressLink } from './Links';
import { TokenSymbol } from './TokenSymbol';

/**
 * The address's balances of the token contracts the node lists (bounded; see
 * lib/token-balances), read again when that list changes or a transaction of
 * the address is confirmed or undone (or pushes may have been missed while the
 * socket reconnected), not on every block: each read runs contract code on the
 * node's engine time, which all its clients share. They are the node's word,
 * not proven, so they say so, and are hidden once the node is distrusted. A
 * symbol is the deployer's choice: each comes with its contract's address, and
 * one named like the native coin says it is not (components/TokenSymbol).
 */
export function TokenBalances({ address }: { address: string }) {
  const list = useApi<ContractList>(`/api/contracts?limit=${CONTRACTS_SCANNED}`, { refreshOn: ['blocks'] });
  const [rows, setRows] = useState<TokenBalance[] | undefined>(undefined);
  const [error, setError] = useState('');
  const [moved, setMoved] = useState(0);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const distrust = useNodeDistrust();
  const { epoch } = useRealtime();
  const contracts = list.data?.contracts.map((c) => c.address).join(',');
  // A block confirming many of the address's transactions pushes once for each: one read after them all.
  useTopics([`address:${address}`], (m) => {
    if (m.type !== 'address' || m.event === 'pending' || timer.current) return;
    timer.current = setTimeout(() => {
      timer.current = undefined;
      setMoved((n) => n + 1);
    }, 500);
  });
  useEffect(() => () => clearTimeout(timer.current), []);
  useEffect(() => {
    if (contracts === undefined) return;
    const ac = new AbortController();
    tokenBalances(address, contracts ? contracts.split(',') : [], ac.signal).then(
      (r) => !ac.signal.aborted && (setRows(r), setError('')),
      (e: unknown) => !ac.signal.aborted && setError(errorText(e)),
    );
    return () => ac.abort();
  }, [address, contracts, moved, epoch]);
  if (!rows || rows.length === 0 || distrust !== null) return null;
  return <TokenBalancesView rows={rows} error={error} />;
}

/** The card itself, for the balances once read. */
export function TokenBalancesView({ rows, error }: { rows: TokenBalance[]; error: string }) {
  const held = rows.filter((r) => r.balance > 0n);
  return (
    <Card title="Tokens" actions={<span className="text-xs text-slate-500" data-testid="token-balances-unverified">reported by node (unverified)</span>}>
      {held.length === 0 ? (
        <p className="text-xs text-slate-400" data-testid="token-balances-none">
          No balance in the {rows.length} token contract{rows.length === 1 ? '' : 's'} checked.
        </p>
      ) : (
        <div className="table-wrap">
          <table className="w-full text-left text-sm" data-testid="token-balances">
            <tbody className="divide-y divide-slate-800">
              {held.map((t) => (
                <tr key={t.contract} data-contract={t.contract}>
                  <td className="py-1 pr-3 font-mono tabular-nums whitespace-nowrap" data-testid="token-balance">
                    {formatTokenUnits(t.balance, t.decimals)} <TokenSymbol symbol={t.symbol} className="text-slate-400" />
                  </td>
                  <td className="py-1 text-xs" data-testid="token-contract">
                    <AddressLink address={t.contract} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {error && <p className="mt-1 text-xs text-rose-300">{error}</p>}
      <p className="mt-2 text-xs text-slate-500">Token contracts among the first {CONTRACTS_SCANNED} the node lists, at most {MAX_TOKENS}.</p>
    </Card>
  );
}
