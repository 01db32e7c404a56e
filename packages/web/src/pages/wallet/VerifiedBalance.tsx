import { useCallback, useEffect, useState } from 'react';
import { UntrustworthyNode, type VerifiedAccount } from '@hackcoin/core';
import { Amount } from '../../components/Amount';
import { useNodeInfo } from '../../state/node-info';
import { useTopics } from '../../state/realtime';
import { confirmationsFor, verifyAccount } from '../../lib/verified-state';

type State = { kind: 'pending' } | { kind: 'ok'; v: VerifiedAccount } | { kind: 'untrustworthy'; message: string } | { kind: 'unavailable'; message: string };

/**
 * The balance and nonce this browser proved itself: headers checked from
 * genesis, the account proven against the best header with N confirmations.
 * A node caught lying is named, never silently ignored.
 */
export function VerifiedBalance({ address }: { address: string }) {
  const info = useNodeInfo();
  const network = info.data?.network;
  const [state, setState] = useState<State>({ kind: 'pending' });
  const check = useCallback(() => {
    if (!network) return;
    verifyAccount(network, address).then(
      (v) => setState({ kind: 'ok', v }),
      (e: unknown) =>
        setState(
          e instanceof UntrustworthyNode
            ? { kind: 'untrustworthy', message: e.message }
            : { kind: 'unavailable', message: e instanceof Error ? e.message : String(e) },
        ),
    );
  }, [network, address]);
  useEffect(check, [check]);
  useTopics(['blocks'], check);

  if (state.kind === 'untrustworthy') {
    return (
      <div role="alert" data-testid="verified-error" className="rounded border border-red-500 bg-red-50 p-3 text-sm text-red-800">
        <strong>This node is untrustworthy</strong> ({window.location.origin}): {state.message}. Balances it shows cannot be believed.
      </div>
    );
  }
  if (state.kind === 'unavailable') {
    return <p data-testid="verified-unavailable" className="text-sm text-gray-500">Could not verify the balance yet: {state.message}</p>;
  }
  if (state.kind === 'pending' || !network) return <p className="text-sm text-gray-500">Verifying balance against block headers…</p>;
  return (
    <p data-testid="verified-balance" className="text-sm">
      Verified: <Amount units={state.v.balance} />, nonce {state.v.nonce.toString()}{' '}
      <span data-testid="verified-mark" className="rounded bg-green-100 px-1 text-green-800">
        verified at height {state.v.height}
      </span>{' '}
      <span className="text-gray-500">({confirmationsFor(network)} confirmation{confirmationsFor(network) === 1 ? '' : 's'})</span>
    </p>
  );
}
