import { Link } from 'react-router-dom';
import { shortHash } from '../lib/format';

const MONO = 'font-mono text-sky-300 hover:text-sky-200 hover:underline';

export function BlockLink({ id, label }: { id: string | number; label?: string }) {
  const text = label ?? (typeof id === 'number' ? `#${id}` : shortHash(id));
  return (
    <Link to={`/explorer/block/${id}`} className={MONO} title={String(id)}>
      {text}
    </Link>
  );
}

export function TxLink({ id, full }: { id: string; full?: boolean }) {
  return (
    <Link to={`/explorer/tx/${id}`} className={`${MONO} ${full ? 'break-all' : ''}`} title={id}>
      {full ? id : shortHash(id)}
    </Link>
  );
}

export function AddressLink({ address, full }: { address: string; full?: boolean }) {
  return (
    <Link to={`/explorer/address/${address}`} className={`${MONO} ${full ? 'break-all' : ''}`} title={address}>
      {full ? address : shortHash(address, 8, 4)}
    </Link>
  );
}
