import { useCallback, useEffect, useState } from 'react';
import { UntrustworthyNode, type NetworkName, type VerifiedAccount } from '@hackcoin/core';
import { NetworkChanged, resetNetworkPin } from '../../lib/network-pin';
import { clearNetworkFlag } from '../../lib/node-distrust';
import { verifyAccount } from '../../lib/verified-state';
import { useTopics } from '../../state/realtime';
import { useWalletNetwork } from '../../state/wallet-network';

export type VerifiedCheck =
  | { kind: 'pending' }
  | { kind: 'ok'; v: VerifiedAccount; network: NetworkName }
  | { kind: 'untrustworthy'; message: string }
  | { kind: 'network-changed'; claimed: NetworkName; pinned: NetworkName }
  | { kind: 'unavailable'; message: string };

function failed(e: unknown): VerifiedCheck {
  if (e instanceof UntrustworthyNode) return { kind: 'untrustworthy', message: e.message };
  if (e instanceof NetworkChanged) return { kind: 'network-changed', claimed: e.claimed, pinned: e.pinned };
  return { kind: 'unavailable', message: e instanceof Error ? e.message : String(e) };
}

/**
 * The balance and nonce this browser proved for `address`, re-proven on
 * every block (lib/verified-state coalesces a burst into two runs).
 * `trustNodeNetwork` is the user's explicit reset of the network pin.
 */
export function useVerifiedAccount(address: string): { check: VerifiedCheck; trustNodeNetwork: () => void } {
  const { network, rejected } = useWalletNetwork();
  const key = `${network}:${address}`;
  const [state, setState] = useState<{ key: string; check: VerifiedCheck }>({ key: '', check: { kind: 'pending' } });
  const run = useCallback(() => {
    if (!network) return;
    const k = `${network}:${address}`;
    verifyAccount(network, address).then(
      (v) => setState({ key: k, check: { kind: 'ok', v, network } }),
      (e: unknown) => setState({ key: k, check: failed(e) }),
    );
  }, [network, address]);
  useEffect(run, [run]);
  useTopics(['blocks'], run);
  const trustNodeNetwork = useCallback(() => {
    resetNetworkPin();
    clearNetworkFlag();
    run();
  }, [run]);
  if (rejected !== undefined) return { check: { kind: 'unavailable', message: rejected }, trustNodeNetwork };
  return { check: state.key === key ? state.check : { kind: 'pending' }, trustNodeNetwork };
}
