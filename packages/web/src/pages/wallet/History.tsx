import { useState } from 'react';
import { Card } from '../../components/Card';
import { Pager } from '../../components/Pager';
import { TxTable } from '../../components/TxTable';
import { useAddressInfo } from './useAddressInfo';

const LIMIT = 10;

/** Pending first, then confirmed history; confirmations tick up as blocks arrive. */
export function History({ address }: { address: string }) {
  const [page, setPage] = useState(1);
  const info = useAddressInfo(address, page, LIMIT);
  const d = info.data;
  const rows = d ? [...(page === 1 ? d.pending : []), ...d.history] : [];
  return (
    <Card title="History">
      <TxTable txs={rows} show={{ direction: true, block: true, confirmations: true }} empty={info.loading ? 'Loading…' : 'No transactions yet. Share your receive address or mine to it.'} testId="wallet-history" />
      <Pager page={page} hasNext={(d?.history.length ?? 0) === LIMIT} onPage={setPage} label="History pages" />
    </Card>
  );
}
