import { useEffect, useState } from 'react';
import { Button } from '../../components/Button';
import { CopyButton } from '../../components/CopyButton';
import { TokenSymbol } from '../../components/TokenSymbol';
import { useApi } from '../../hooks/useApi';
import { contractKind } from '../../lib/contract-kind';
import { storageEntries } from '../../lib/format';
import { tokenRead } from '../../lib/token-read';
import { tokenSymbol } from '../../lib/token-symbol';
import type { ContractDetail, ContractSummary } from '../../lib/types';

/**
 * A deployed contract by name: its kind, told from its code (fetched once,
 * without storage or events: code never changes), and for a token the symbol it
 * was deployed with, beside the contract's address (a symbol proves nothing),
 * read on lib/token-read's small gas limit: anyone can deploy code that looks
 * like a token and loops.
 */
export function ContractRow({ contract: c, onOpen }: { contract: ContractSummary; onOpen: () => void }) {
  const detail = useApi<ContractDetail>(`/api/contracts/${c.address}?events=0&storage=0`);
  const kind = detail.data ? contractKind(detail.data.code) : '…';
  const [symbol, setSymbol] = useState('');
  useEffect(() => {
    if (kind !== 'Token') return;
    const ac = new AbortController();
    tokenRead(c.address, 'symbol', [], ac.signal).then(
      (r) => r && setSymbol(tokenSymbol(r.value)),
      () => undefined,
    );
    return () => ac.abort();
  }, [kind, c.address]);
  return (
    <li className="flex flex-wrap items-center gap-x-2 gap-y-1" data-testid="contract-row" data-address={c.address}>
      <span className="font-semibold text-amber-300" data-testid="contract-name">
        {kind}
        {symbol && (
          <>
            {' '}
            <TokenSymbol symbol={symbol} />
          </>
        )}
      </span>
      <span className="font-mono break-all">{c.address}</span>
      <CopyButton text={c.address} label="Copy" />
      <span className="text-slate-500">
        block {c.height} · {storageEntries(c.storageEntries)} storage entr{c.storageEntries === 1 ? 'y' : 'ies'}
      </span>
      <Button variant="ghost" className="ml-auto text-xs" onClick={onOpen}>
        Open
      </Button>
    </li>
  );
}
