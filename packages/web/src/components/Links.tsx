import { Link } from 'react-router-dom';
import { shortHash } from '../lib/format';
import { CopyButton } from './CopyButton';

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
  const link = (
    <Link to={`/explorer/tx/${id}`} className={`${MONO} ${full ? 'break-all' : ''}`} title={id}>
      {full ? id : shortHash(id)}
    </Link>
  );
  return full ? (
    <span>
      {link}
      <CopyButton text={id} label="Copy transaction id" />
    </span>
  ) : (
    link
  );
}

/** A full address comes with a copy button; a shortened one (tables) links only. */
export function AddressLink({ address, full }: { address: string; full?: boolean }) {
  const link = (
    <Link to={`/explorer/address/${address}`} className={`${MONO} ${full ? 'break-all' : ''}`} title={address}>
      {full ? address : shortHash(address, 8, 4)}
    </Link>
  );
  return full ? (
    <span>
      {link}
      <CopyButton text={address} label="Copy address" />
    </span>
  ) : (
    link
  );
}
