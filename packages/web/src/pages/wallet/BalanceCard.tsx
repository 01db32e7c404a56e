import { Amount } from '../../components/Amount';
import { Stat } from '../../components/Card';
import { ApiErrorNotice } from '../../components/Notice';
import { balanceOf, useAddressInfo } from './useAddressInfo';
import { VerifiedBalance } from './VerifiedBalance';

export function BalanceCard({ address }: { address: string }) {
  const info = useAddressInfo(address, 1, 1);
  if (info.error !== undefined && !info.data) return <ApiErrorNotice error={info.error} feature="Balance" />;
  const b = info.data ? balanceOf(info.data) : null;
  const v = (x: bigint | undefined) => (x === undefined ? '…' : <Amount units={x} />);
  return (
    <div className="grid grid-cols-1 gap-3 sm:grid-cols-3">
      <Stat label="Confirmed" testId="balance-confirmed" value={v(b?.confirmed)} />
      <Stat label="Pending" testId="balance-pending" value={b ? <span className="text-base">+{v(b.pendingIncoming)} / −{v(b.pendingOutgoing)}</span> : '…'} />
      <Stat label="Available" testId="balance-available" value={v(b?.available)} hint="confirmed minus pending outgoing" />
      <div className="sm:col-span-3">
        <VerifiedBalance address={address} />
      </div>
    </div>
  );
}
