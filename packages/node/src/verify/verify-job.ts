import { addressFromPublicKey } from '@hackcoin/core';
import { loadSignatureBackend } from '../crypto/native-backend.js';

/** One check: sha256d digest, compact signature, compressed public key, packed back to back. */
export const DIGEST_SIZE = 32;
export const SIG_SIZE = 64;
export const PUB_SIZE = 33;
export const ITEM_SIZE = DIGEST_SIZE + SIG_SIZE + PUB_SIZE;
/** One answer: signature verdict, key validity, the key's 20-byte address. */
export const RESULT_SIZE = 22;

/**
 * The work a verify worker does, with the very backend the main thread would
 * use (loadSignatureBackend), so a verdict from a worker is the verdict the
 * serial path would reach.
 */
export function createVerifyJob(): { backendName: string; run: (items: Uint8Array) => Uint8Array } {
  const { name, backend } = loadSignatureBackend();
  return {
    backendName: name,
    run(items) {
      const n = items.length / ITEM_SIZE;
      const out = new Uint8Array(n * RESULT_SIZE);
      for (let i = 0; i < n; i++) {
        const at = i * ITEM_SIZE;
        const digest = items.subarray(at, at + DIGEST_SIZE);
        const sig = items.subarray(at + DIGEST_SIZE, at + DIGEST_SIZE + SIG_SIZE);
        const pub = items.subarray(at + DIGEST_SIZE + SIG_SIZE, at + ITEM_SIZE);
        const r = i * RESULT_SIZE;
        out[r] = backend.verify(digest, sig, pub) ? 1 : 0;
        try {
          out.set(addressFromPublicKey(pub, backend), r + 2);
          out[r + 1] = 1;
        } catch {
          out[r + 1] = 0;
        }
      }
      return out;
    },
  };
}
