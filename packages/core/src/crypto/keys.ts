import { secp256k1 } from '@noble/curves/secp256k1.js';
import { keccak256 } from './hash.js';

export const PUBKEY_SIZE = 33;
export const SIGNATURE_SIZE = 64;

export function generatePrivateKey(): Uint8Array {
  return secp256k1.utils.randomSecretKey();
}

export function isValidPrivateKey(key: Uint8Array): boolean {
  return secp256k1.utils.isValidSecretKey(key);
}

/** Compressed SEC1 public key (33 bytes): what transactions carry. */
export function publicKeyFromPrivate(privateKey: Uint8Array): Uint8Array {
  return secp256k1.getPublicKey(privateKey, true);
}

/** Signs a 32-byte digest; the result is compact r||s with low S (RFC 6979 nonces). */
export function signDigest(digest: Uint8Array, privateKey: Uint8Array): Uint8Array {
  return secp256k1.sign(digest, privateKey, { prehash: false, lowS: true, format: 'compact' });
}

/**
 * Pluggable signature backend: the node swaps in native libsecp256k1, which
 * gives the same answers (both reject high-S and invalid keys).
 */
export interface SignatureBackend {
  verify(digest: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): boolean;
  /** Uncompressed 65-byte form of a compressed key; throws on an invalid point. */
  decompress(publicKey: Uint8Array): Uint8Array;
  /** Optional shortcut for addressFromPublicKey, e.g. a cache of recently seen senders. */
  address?(publicKey: Uint8Array): Uint8Array;
}

export const nobleBackend: SignatureBackend = {
  verify(digest, signature, publicKey) {
    try {
      return secp256k1.verify(signature, digest, publicKey, { prehash: false, lowS: true, format: 'compact' });
    } catch {
      return false;
    }
  },
  decompress(publicKey) {
    return secp256k1.Point.fromBytes(publicKey).toBytes(false);
  },
};

/** Ethereum's rule: the last 20 bytes of keccak-256 over the 64-byte uncompressed key. */
export function addressFromUncompressed(uncompressed: Uint8Array): Uint8Array {
  if (uncompressed.length !== 65 || uncompressed[0] !== 4) throw new Error('expected an uncompressed public key');
  return keccak256(uncompressed.subarray(1)).slice(12);
}

export function addressFromPublicKey(publicKey: Uint8Array, backend: SignatureBackend = nobleBackend): Uint8Array {
  if (backend.address) return backend.address(publicKey);
  return addressFromUncompressed(backend.decompress(publicKey));
}
