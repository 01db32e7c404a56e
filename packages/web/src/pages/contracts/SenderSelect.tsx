import { Link } from 'react-router-dom';
import type { Wallet } from '@hackcoin/core';
import { SelectField } from '../../components/Field';

export function SenderSelect({ wallet, value, onChange }: { wallet: Wallet | null; value: string; onChange: (a: string) => void }) {
  if (!wallet) {
    return (
      <p className="text-sm text-amber-200">
        <Link to="/wallet" className="underline">
          Unlock your wallet
        </Link>{' '}
        to sign contract transactions in this browser.
      </p>
    );
  }
  return (
    <SelectField label="Sign with" value={value} onChange={(e) => onChange(e.target.value)}>
      {wallet.list().map((a) => (
        <option key={a.address} value={a.address}>
          {a.label ? `${a.label} — ` : ''}
          {a.address}
        </option>
      ))}
    </SelectField>
  );
}
