import { Amount } from '../../components/Amount';
import { Button } from '../../components/Button';
import { confirmationsFor } from '../../lib/verified-state';
import type { VerifiedCheck } from './useVerifiedAccount';

/**
 * The headline: the balance this browser proved itself (headers checked from
 * genesis, the account proven against the best header with N confirmations).
 * A node caught lying, or claiming another network than the wallet's, is
 * named, never silently ignored.
 */
export function VerifiedBalance({ check, onTrustNodeNetwork }: { check: VerifiedCheck; onTrustNodeNetwork: () => void }) {
  if (check.kind === 'untrustworthy') {
    return (
      <div role="alert" data-testid="verified-error" className="rounded-lg border border-rose-700/60 bg-rose-950/40 px-4 py-3 text-sm text-rose-100">
        <strong>This node is untrustworthy</strong> ({window.location.origin}): {check.message}. Balances it shows cannot be believed.
      </div>
    );
  }
  if (check.kind === 'network-changed') return <NetworkChangedAlert claimed={check.claimed} pinned={check.pinned} onTrust={onTrustNodeNetwork} />;
  if (check.kind === 'unavailable') {
    return <p data-testid="verified-unavailable" className="text-sm text-slate-400">Could not verify the balance yet: {check.message}</p>;
  }
  if (check.kind === 'pending') return <p className="text-sm text-slate-400">Verifying balance against block headers…</p>;
  const n = confirmationsFor(check.network);
  return (
    <div className="rounded-xl border border-emerald-700/60 bg-slate-900/60 px-4 py-3">
      <div className="text-xs font-medium tracking-wide text-slate-400 uppercase">Balance (verified)</div>
      <div className="mt-1 text-2xl font-semibold text-slate-50" data-testid="balance-verified">
        <Amount units={check.v.balance} />
      </div>
      <p data-testid="verified-balance" className="mt-1 text-xs text-slate-300">
        Verified: <Amount units={check.v.balance} />, nonce {check.v.nonce.toString()}{' '}
        <span data-testid="verified-mark" className="rounded bg-emerald-900/60 px-1 text-emerald-200">
          verified at height {check.v.height}
        </span>{' '}
        <span className="text-slate-400">
          ({check.network}, {n} confirmation{n === 1 ? '' : 's'})
        </span>
      </p>
    </div>
  );
}

function NetworkChangedAlert({ claimed, pinned, onTrust }: { claimed: string; pinned: string; onTrust: () => void }) {
  return (
    <div role="alert" data-testid="network-changed" className="rounded-lg border border-rose-700/60 bg-rose-950/40 px-4 py-3 text-sm text-rose-100">
      <strong>
        This node now claims network {claimed}; this wallet was set up for {pinned}.
      </strong>{' '}
      Nothing is verified or signed against it. Only if you meant to switch this wallet to {claimed}:
      <div className="mt-2">
        <Button variant="danger" data-testid="network-reset" onClick={onTrust}>
          Forget {pinned} and verify against {claimed}
        </Button>
      </div>
    </div>
  );
}
