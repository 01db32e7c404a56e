import { useEffect, useState } from 'react';
import { Card } from '../../components/Card';
import { Pager } from '../../components/Pager';
import { TxTable } from '../../components/TxTable';
import { useAddressInfo } from './useAddressInfo';

const LIMIT = 10;

/** Pending first, then confirmed history; confirmations tick up as blocks arrive. */
export function History({ address }: { address: string }) {
  // The `next` cursors of the pages shown so far: the node may end a page early to bound its size,
  // so an older page starts at its predecessor's cursor, never at a page number.
  const [cursors, setCursors] = useState<string[]>([]);
  useEffect(() => setCursors((c) => (c.length === 0 ? c : [])), [address]);
  const page = cursors.length + 1;
  const info = useAddressInfo(address, 1, LIMIT, cursors[cursors.length - 1]);
  const d = info.data;
  const next = d?.next;
  const rows = d ? [...(page === 1 ? d.pending : []), ...d.history] : [];
  return (
    <Card title="History">
      <TxTable txs={rows} show={{ direction: true, block: true, confirmations: true }} empty={info.loading ? 'Loading…' : 'No transactions yet. Share your receive address or mine to it.'} testId="wallet-history" />
      <Pager
        page={page}
        hasNext={typeof next === 'string'}
        onPage={(p) => setCursors((c) => (p > page && typeof next === 'string' ? [...c, next] : c.slice(0, p - 1)))}
        label="History pages"
      />
    </Card>
  );
}
