import { ApiErrorNotice } from '../../components/Notice';
import type { Distrust } from '../../lib/node-distrust';
import { useNodeDistrust } from '../../state/node-distrust';
import { ReportedBalance } from './ReportedBalance';
import { balanceOf, useAddressInfo } from './useAddressInfo';
import { useVerifiedAccount, type VerifiedCheck } from './useVerifiedAccount';
import { VerifiedBalance } from './VerifiedBalance';
import type { AddressInfoJson } from '../../lib/types';

export function BalanceCard({ address }: { address: string }) {
  const info = useAddressInfo(address, 1, 1);
  const distrust = useNodeDistrust();
  const { check, trustNodeNetwork } = useVerifiedAccount(address);
  return <BalanceView check={check} onTrustNodeNetwork={trustNodeNetwork} info={info} distrust={distrust} />;
}

/**
 * The proven balance is the headline; the node's figures follow, labelled
 * unverified, and are hidden once the node is caught lying or claims
 * another network than the wallet's.
 */
export function BalanceView({
  check,
  onTrustNodeNetwork,
  info,
  distrust,
}: {
  check: VerifiedCheck;
  onTrustNodeNetwork: () => void;
  info: { data: AddressInfoJson | undefined; error: unknown };
  distrust: Distrust;
}) {
  const hidden = distrust !== null || check.kind === 'untrustworthy' || check.kind === 'network-changed';
  const proven = check.kind === 'ok' ? { balance: check.v.balance, height: check.v.height } : null;
  return (
    <div className="space-y-3">
      <VerifiedBalance check={check} onTrustNodeNetwork={onTrustNodeNetwork} />
      {hidden ? (
        <p data-testid="reported-hidden" className="text-xs text-slate-400">
          The node&apos;s own balance figures are hidden: it cannot be believed.
        </p>
      ) : info.error !== undefined && !info.data ? (
        <ApiErrorNotice error={info.error} feature="Balance" />
      ) : (
        <ReportedBalance b={info.data ? balanceOf(info.data) : null} compare={{ proven, nodeHeight: info.data?.height }} />
      )}
    </div>
  );
}
