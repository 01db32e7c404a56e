import { useCallback, useEffect, useState } from 'react';
import { verifiedSpendable, type VerifiedSpendable } from '../../lib/verified-nonce';
import { useTopics } from '../../state/realtime';
import { useWalletNetwork } from '../../state/wallet-network';

/**
 * What `address` can spend by its proven balance, less this browser's own
 * sends the proof does not cover yet; re-proven on every block and on
 * `reload` (lib/verified-state coalesces them with the balance card's runs).
 * Null while unproven or when the proof fails (the Send form then falls back
 * to the node's figure and says so, unless the node is distrusted; signing
 * still verifies).
 */
export function useVerifiedSpendable(address: string): { spendable: VerifiedSpendable | null; reload: () => void } {
  const { network } = useWalletNetwork();
  const [spendable, setSpendable] = useState<VerifiedSpendable | null>(null);
  const reload = useCallback(() => {
    if (!network) return;
    verifiedSpendable(network, address).then(setSpendable, () => setSpendable(null));
  }, [network, address]);
  useEffect(() => {
    setSpendable(null);
    reload();
  }, [reload]);
  useTopics(['blocks'], reload);
  return { spendable, reload };
}
