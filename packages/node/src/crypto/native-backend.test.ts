import { createRequire } from 'node:module';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  InvalidKeyError,
  RuleError,
  generatePrivateKey,
  nobleBackend,
  publicKeyFromPrivate,
  signDigest,
  signTransfer,
  transferSender,
  type TransferTx,
} from '@hackcoin/core';
import { buildCase, nearStackLimit, signatureCase } from '@hackcoin/core/test-support/signature-cases';
import { loadSignatureBackend } from './native-backend.js';

const loaded = loadSignatureBackend();
/** The binding object the backend calls: one module instance, so a spy on it is seen there. */
const binding = createRequire(import.meta.url)('secp256k1/bindings') as {
  publicKeyConvert(pub: Uint8Array, compressed: boolean): Uint8Array;
  ecdsaVerify(sig: Uint8Array, msg32: Uint8Array, pub: Uint8Array): boolean;
};

function transfer(publicKey?: Uint8Array): TransferTx {
  const tx = signTransfer({ kind: 'transfer', chainId: 3, nonce: 0n, fee: 10n, to: new Uint8Array(20), amount: 5n, data: new Uint8Array() }, generatePrivateKey());
  return publicKey ? { ...tx, publicKey } : tx;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe.skipIf(loaded.name !== 'libsecp256k1-native')('the native signature backend', () => {
  const { backend } = loaded;

  it('throws InvalidKeyError for a key that is not a point, which the rules make bad-txns-sig', () => {
    const offCurve = new Uint8Array(33);
    offCurve[0] = 2;
    offCurve[32] = 5;
    expect(() => backend.decompress(offCurve)).toThrow(InvalidKeyError);
    expect(() => backend.address!(offCurve)).toThrow(InvalidKeyError);
    expect(() => transferSender(transfer(offCurve), backend)).toThrow(expect.objectContaining({ code: 'bad-txns-sig' }));
  });

  it("passes on the binding's failure on a valid key as the host's, not as the key's", () => {
    const failure = new Error('Public Key serialization error');
    vi.spyOn(binding, 'publicKeyConvert').mockImplementation(() => {
      throw failure;
    });
    const key = publicKeyFromPrivate(generatePrivateKey());
    expect(() => backend.decompress(key)).toThrow(failure);
    // A key the backend has not seen, so its address is derived, not remembered.
    let thrown: unknown;
    try {
      transferSender(transfer(), backend);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBe(failure);
    expect(thrown).not.toBeInstanceOf(RuleError);
  });

  it("gives the noble backend's verdict on valid, mutated and malformed signatures and keys, remembered or not", () => {
    let valid = 0;
    fc.assert(
      fc.property(signatureCase, (c) => {
        const { digest, signature, publicKey } = buildCase(c);
        // A key asked for its address first is remembered, and verified against the point derived then.
        if (c.remember) {
          try {
            backend.address!(publicKey);
          } catch (e) {
            if (!(e instanceof InvalidKeyError)) throw e;
          }
        }
        const expected = nobleBackend.verify(digest, signature, publicKey);
        if (expected) valid++;
        expect(backend.verify(digest, signature, publicKey)).toBe(expected);
      }),
      { numRuns: 2000, seed: 0x6e61 },
    );
    // Both verdicts were exercised.
    expect(valid).toBeGreaterThan(200);
    expect(valid).toBeLessThan(1800);
  });

  it("passes on the binding's failure in verify as the host's, and answers false only for a key that is not a point", () => {
    const failure = new Error('the addon failed');
    const digest = new Uint8Array(32).fill(7);
    const priv = generatePrivateKey();
    const signature = signDigest(digest, priv);
    const remembered = publicKeyFromPrivate(priv);
    backend.address!(remembered);
    const unknown = publicKeyFromPrivate(priv);
    unknown[0]! ^= 1; // the negated point: a point, never asked for its address
    const offCurve = new Uint8Array(33);
    offCurve[0] = 2;
    offCurve[32] = 5;
    vi.spyOn(binding, 'ecdsaVerify').mockImplementation(() => {
      throw failure;
    });
    expect(() => backend.verify(digest, signature, remembered)).toThrow(failure);
    expect(() => backend.verify(digest, signature, unknown)).toThrow(failure);
    expect(backend.verify(digest, signature, offCurve)).toBe(false);
  });

  it('passes on a stack overflow met in verify instead of answering false', () => {
    const digest = new Uint8Array(32).fill(9);
    const priv = generatePrivateKey();
    const signature = signDigest(digest, priv);
    const remembered = publicKeyFromPrivate(priv);
    backend.address!(remembered);
    const unknown = nobleBackend.decompress(remembered);
    for (const key of [remembered, unknown]) {
      const outcomes = nearStackLimit(() => backend.verify(digest, signature, key));
      expect(outcomes).not.toContain(false);
      expect(outcomes).toContain(true);
      expect(outcomes.some((o) => o instanceof Error), 'the stack ran out at least once').toBe(true);
    }
  });
});
