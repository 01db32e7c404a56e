import { useCallback, useEffect, useRef, useState } from 'react';
import { UntrustworthyNode } from '@hackcoin/core';
import { verifyStorage, type VerifiedStorage } from '../../lib/verified-state';
import { useWalletNetwork } from '../../state/wallet-network';

export type SlotCheck =
  | { kind: 'idle' }
  | { kind: 'pending'; key: string }
  | { kind: 'ok'; key: string; v: VerifiedStorage }
  | { kind: 'untrustworthy'; key: string; message: string }
  | { kind: 'unavailable'; key: string; message: string };

/**
 * Proves one storage slot of `contract` against the header chain this
 * browser verified. Only the latest request's answer is shown, and a new
 * contract address clears it.
 */
export function useStorageVerify(contract: string): { key: string; setKey: (key: string) => void; check: SlotCheck; verify: (key: string) => void } {
  const { network } = useWalletNetwork();
  const [key, setKey] = useState('');
  const [check, setCheck] = useState<SlotCheck>({ kind: 'idle' });
  const seq = useRef(0);
  useEffect(() => {
    seq.current++;
    setCheck({ kind: 'idle' });
  }, [contract]);
  const verify = useCallback(
    (key: string) => {
      setKey(key);
      if (!network || key === '') return;
      const mine = ++seq.current;
      setCheck({ kind: 'pending', key });
      verifyStorage(network, contract, key).then(
        (v) => mine === seq.current && setCheck({ kind: 'ok', key, v }),
        (e: unknown) => {
          if (mine !== seq.current) return;
          const message = e instanceof Error ? e.message : String(e);
          setCheck(e instanceof UntrustworthyNode ? { kind: 'untrustworthy', key, message } : { kind: 'unavailable', key, message });
        },
      );
    },
    [network, contract],
  );
  return { key, setKey, check, verify };
}
