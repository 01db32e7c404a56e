import { createRequire } from 'node:module';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { InvalidKeyError, RuleError, generatePrivateKey, publicKeyFromPrivate, signTransfer, transferSender, type TransferTx } from '@hackcoin/core';
import { loadSignatureBackend } from './native-backend.js';

const loaded = loadSignatureBackend();
/** The binding object the backend calls: one module instance, so a spy on it is seen there. */
const binding = createRequire(import.meta.url)('secp256k1/bindings') as { publicKeyConvert(pub: Uint8Array, compressed: boolean): Uint8Array };

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
});
