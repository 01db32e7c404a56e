import { Amount } from '../../components/Amount';
import { Card, KeyValue } from '../../components/Card';

export interface ContractDetail {
  address: string;
  code?: string;
  source?: string;
  exports?: string[];
  balance?: string;
  storage?: { key: string; value: unknown }[] | Record<string, unknown>;
  events?: { name: string; data: unknown; txId?: string; blockHeight?: number }[];
  [k: string]: unknown;
}

function entries(s: ContractDetail['storage']): [string, unknown][] {
  if (!s) return [];
  if (Array.isArray(s)) return s.map((e) => [e.key, e.value]);
  return Object.entries(s);
}

export function StoragePanel({ contract }: { contract: ContractDetail }) {
  const rows = entries(contract.storage);
  return (
    <Card title="Contract state">
      <KeyValue rows={[['Address', <span className="font-mono">{contract.address}</span>], ['Balance', contract.balance !== undefined ? <Amount units={contract.balance} /> : '—']]} />
      <h3 className="mt-4 mb-1 text-sm font-medium text-slate-300">Storage ({rows.length})</h3>
      {rows.length === 0 ? (
        <p className="text-xs text-slate-500">Empty.</p>
      ) : (
        <div className="table-wrap">
          <table className="w-full text-left text-xs" data-testid="storage-table">
            <tbody className="divide-y divide-slate-800">
              {rows.map(([k, v]) => (
                <tr key={k}>
                  <th scope="row" className="py-1 pr-3 font-mono font-normal break-all text-slate-300">
                    {k}
                  </th>
                  <td className="py-1 font-mono break-all">{typeof v === 'string' ? v : JSON.stringify(v)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {contract.events && contract.events.length > 0 && (
        <>
          <h3 className="mt-4 mb-1 text-sm font-medium text-slate-300">Recent events</h3>
          <ul className="space-y-1 text-xs">
            {contract.events.map((e, i) => (
              <li key={i} className="rounded bg-slate-950/60 px-2 py-1">
                <span className="font-semibold text-amber-300">{e.name}</span> <code className="break-all">{JSON.stringify(e.data)}</code>
              </li>
            ))}
          </ul>
        </>
      )}
    </Card>
  );
}
