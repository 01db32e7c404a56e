import { Link } from 'react-router-dom';
import { Amount } from '../../components/Amount';
import { Card, KeyValue } from '../../components/Card';
import { AddressLink } from '../../components/Links';
import type { AmountUnit } from '../../lib/amount';
import type { ContractDetail } from '../../lib/types';
import { showEvent } from '../../lib/contract-amounts';
import { contractKind } from '../../lib/contract-kind';
import { storageEntries } from '../../lib/format';
import { visibleText } from '../../lib/visible-text';
import { useStorageVerify } from './useStorageVerify';
import { VerifySlot } from './VerifySlot';

/** The contract's storage and events are its author's text: shown through visibleText, so a look-alike key or event cannot pass for another. */
export function StoragePanel({ contract, unit }: { contract: ContractDetail; unit: AmountUnit }) {
  const kind = contractKind(contract.code);
  const rows = Object.entries(contract.storage ?? {});
  const slot = useStorageVerify(contract.address);
  return (
    <Card title="Contract state">
      <KeyValue
        rows={[
          ['Address', <span className="font-mono">{contract.address}</span>],
          ['Balance', <Amount units={contract.balance} unit={unit} />],
          ['Deployed', <>by <AddressLink address={contract.deployer} /> in block {contract.height} · <Link className="font-mono break-all text-sky-300 underline" to={`/explorer/tx/${contract.txId}`}>{contract.txId}</Link></>],
        ]}
      />
      <h3 className="mt-4 mb-1 text-sm font-medium text-slate-300">
        Storage ({storageEntries(contract.storageCount)}
        {contract.storageCount > rows.length ? `, first ${rows.length} shown` : ''})
      </h3>
      {rows.length === 0 ? (
        <p className="text-xs text-slate-500">Empty.</p>
      ) : (
        <div className="table-wrap">
          <table className="w-full text-left text-xs" data-testid="storage-table">
            <tbody className="divide-y divide-slate-800">
              {rows.map(([k, v]) => (
                <tr key={k} data-key={k}>
                  <th scope="row" className="py-1 pr-3 font-mono font-normal break-all text-slate-300">
                    {visibleText(k)}
                  </th>
                  <td className="py-1 font-mono break-all">{visibleText(JSON.stringify(v))}</td>
                  <td className="py-1 pl-2 text-right">
                    <button type="button" className="text-sky-300 underline" aria-label={`Verify ${visibleText(k)}`} onClick={() => slot.verify(k)}>
                      verify
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <VerifySlot value={slot.key} onChange={slot.setKey} check={slot.check} onVerify={slot.verify} />
      {contract.events.length > 0 && (
        <>
          <h3 className="mt-4 mb-1 text-sm font-medium text-slate-300">Recent events</h3>
          <ul className="space-y-1 text-xs" data-testid="contract-events">
            {contract.events.map((e, i) => (
              <li key={i} className="rounded bg-slate-950/60 px-2 py-1 break-all">
                <span className="font-semibold text-amber-300">{visibleText(e.name)}</span> <code>{visibleText(showEvent(kind, e.name, e.data, unit))}</code>{' '}
                <span className="text-slate-500">
                  block {e.height} ·{' '}
                  <Link className="font-mono text-sky-300 underline" to={`/explorer/tx/${e.txId}`}>
                    {e.txId}
                  </Link>
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
    </Card>
  );
}
