import { InvalidKeyError, addressFromPublicKey, type SignatureBackend } from '@hackcoin/core';
import { loadSignatureBackend } from '../crypto/native-backend.js';
import { DIGEST_SIZE, ITEM_SIZE, KEY_INVALID, KEY_UNANSWERED, KEY_VALID, RESULT_SIZE, SIG_SIZE, SharedJob, type CheckItems } from './shared-job.js';

export { DIGEST_SIZE, ITEM_SIZE, PUB_SIZE, RESULT_SIZE, SIG_SIZE } from './shared-job.js';

export interface VerifyJob {
  backendName: string;
  check: CheckItems;
  /** Works on a shared job (verify-worker's message); true if this call completed it. */
  work: (buffer: SharedArrayBuffer) => boolean;
}

/**
 * The work a verify worker does, with the very backend the main thread would
 * use (loadSignatureBackend), so a verdict from a worker is the verdict the
 * serial path would reach.
 */
export function createVerifyJob(): VerifyJob {
  const { name, backend } = loadSignatureBackend();
  const check = checkWith(backend);
  return { backendName: name, check, work: (buffer) => new SharedJob(buffer).work(check) };
}

/** Answers packed items with one backend: a verdict, then whether the key is a point and its address. */
export function checkWith(backend: SignatureBackend): CheckItems {
  return (items, out, addresses) => {
    const n = items.length / ITEM_SIZE;
    for (let i = 0; i < n; i++) {
      const at = i * ITEM_SIZE;
      const digest = items.subarray(at, at + DIGEST_SIZE);
      const sig = items.subarray(at + DIGEST_SIZE, at + DIGEST_SIZE + SIG_SIZE);
      const pub = items.subarray(at + DIGEST_SIZE + SIG_SIZE, at + ITEM_SIZE);
      const r = i * RESULT_SIZE;
      out[r] = backend.verify(digest, sig, pub) ? 1 : 0;
      if (!addresses) continue;
      try {
        out.set(addressFromPublicKey(pub, backend), r + 2);
        out[r + 1] = KEY_VALID;
      } catch (e) {
        // Only the key's own fault is a verdict. A host failure is left for the main thread, which derives
        // the address again and meets the failure, if it recurs, where it can be passed on as one.
        out[r + 1] = e instanceof InvalidKeyError ? KEY_INVALID : KEY_UNANSWERED;
      }
    }
  };
}
