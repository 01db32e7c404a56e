import { useCallback, useEffect, useState } from 'react';
import { verifiedSpendable, type VerifiedSpendable } from '../../lib/verified-nonce';
import { useNodeInfo } from '../../state/node-info';
import { useTopics } from '../../state/realtime';

/**
 * What `address` can spend by its proven balance, less this browser's own
 * sends the proof does not cover yet; re-proven on every block and on
 * `reload`. Null while unproven or when the proof fails (the Send form then
 * falls back to the node's figure and says so; signing still verifies).
 */
export function useVerifiedSpendable(address: string): { spendable: VerifiedSpendable | null; reload: () => void } {
  const network = useNodeInfo().data?.network;
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
