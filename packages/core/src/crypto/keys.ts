import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToNumberBE } from '@noble/curves/utils.js';
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
 * A public key that is not a point on the curve: a verdict on the key, the same on every node. Whatever
 * else deriving a key's address throws (out of memory, a stack overflow, an addon's own failure) says
 * nothing about the key, and must not become one.
 */
export class InvalidKeyError extends Error {
  override name = 'InvalidKeyError';
}

const Fp = secp256k1.Point.Fp;
const LEGENDRE_EXPONENT = (Fp.ORDER - 1n) / 2n;

/**
 * Whether `key` is a compressed SEC1 encoding of a secp256k1 point: x is a field element and x³ + 7
 * a square (Euler's criterion). Worked out with arithmetic that signals nothing by throwing, so it
 * can judge a key whose decoding failed with an error that could mean anything.
 */
export function isCompressedPoint(key: Uint8Array): boolean {
  if (key.length !== PUBKEY_SIZE || (key[0] !== 2 && key[0] !== 3)) return false;
  const x = bytesToNumberBE(key.subarray(1));
  if (x >= Fp.ORDER) return false;
  return Fp.eql(Fp.pow(Fp.add(Fp.pow(x, 3n), 7n), LEGENDRE_EXPONENT), Fp.ONE);
}

/**
 * A backend's `decompress` around a library that reports a key that is not a point with a plain
 * Error, as it reports anything else (noble's wraps even a stack overflow met inside its square root
 * in one): a failure is the key's only when isCompressedPoint says so, and otherwise propagates as the
 * host's.
 */
export function decompressWith(convert: (publicKey: Uint8Array) => Uint8Array): (publicKey: Uint8Array) => Uint8Array {
  return (publicKey) => {
    try {
      return convert(publicKey);
    } catch (e) {
      if (!isCompressedPoint(publicKey)) throw new InvalidKeyError('public key is not a point on the curve', { cause: e });
      throw e;
    }
  };
}

/**
 * Pluggable signature backend: the node swaps in native libsecp256k1, which
 * gives the same answers (both reject high-S and invalid keys).
 */
export interface SignatureBackend {
  verify(digest: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): boolean;
  /**
   * Uncompressed 65-byte form of a compressed key. Throws InvalidKeyError on a key that is not a point;
   * anything else it throws is a failure of the host, which consensus code passes on as one.
   */
  decompress(publicKey: Uint8Array): Uint8Array;
  /** Optional shortcut for addressFromPublicKey, e.g. a cache of recently seen senders; throws as `decompress` does. */
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
  decompress: decompressWith((publicKey) => secp256k1.Point.fromBytes(publicKey).toBytes(false)),
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
