import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToNumberBE, numberToBytesBE } from '@noble/curves/utils.js';
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

/** Whether `key` is an uncompressed SEC1 encoding (0x04 ‖ x ‖ y) of a secp256k1 point, worked out without throwing. */
function isUncompressedPoint(key: Uint8Array): boolean {
  if (key.length !== 65 || key[0] !== 4) return false;
  const x = bytesToNumberBE(key.subarray(1, 33));
  const y = bytesToNumberBE(key.subarray(33));
  if (x >= Fp.ORDER || y >= Fp.ORDER) return false;
  return Fp.eql(Fp.sqr(y), Fp.add(Fp.pow(x, 3n), 7n));
}

/** Whether `key` is a point in either SEC1 form noble decodes (libsecp256k1 would also take the hybrid 0x06/0x07 form). */
export function isPublicKeyPoint(key: Uint8Array): boolean {
  return isCompressedPoint(key) || isUncompressedPoint(key);
}

const Fn = secp256k1.Point.Fn;
const HALF_ORDER = Fn.ORDER >> 1n;

/**
 * Whether `signature` is one consensus checks at all: compact r ‖ s, each in [1, n−1], with low S (s ≤ n/2).
 * Everything else is the signature's own "does not verify", the same verdict from both backends: noble
 * refuses r or s outside [1, n−1] and a high S; libsecp256k1 fails to parse r or s ≥ n (the binding throws),
 * parses r = 0 or s = 0 but never verifies them, and refuses a high S. Decided here, without throwing, so
 * that whatever a backend throws afterwards can only be the host's failure.
 */
export function isCanonicalSignature(signature: Uint8Array): boolean {
  if (signature.length !== SIGNATURE_SIZE) return false;
  // Compared as bytes: it runs before every native verify, and two big integers cost ~1 µs more.
  return !isZero32(signature, 0) && compare32(signature, 0, ORDER_BYTES) < 0 && !isZero32(signature, 32) && compare32(signature, 32, HALF_ORDER_BYTES) <= 0;
}

const ORDER_BYTES = numberToBytesBE(Fn.ORDER, 32);
const HALF_ORDER_BYTES = numberToBytesBE(HALF_ORDER, 32);

/** The 32 big-endian bytes at `at` in `a` against `b`: negative, zero or positive. */
function compare32(a: Uint8Array, at: number, b: Uint8Array): number {
  for (let i = 0; i < 32; i++) if (a[at + i] !== b[i]) return a[at + i]! - b[i]!;
  return 0;
}

function isZero32(a: Uint8Array, at: number): boolean {
  for (let i = 0; i < 32; i++) if (a[at + i] !== 0) return false;
  return true;
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
  /**
   * Whether the signature verifies: false is a verdict on the signature or the key, the same on every node.
   * Anything it throws is a failure of the host, never a verdict, and is passed on as one.
   */
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
  /**
   * SEC 1 §4.1.4 on noble's primitives rather than its `verify`, which answers false to anything thrown
   * inside it, a stack overflow or an allocation failure too. The signature's and the key's verdicts are
   * decided first by exact checks; past them nothing is the transaction's fault, so nothing is caught.
   */
  verify(digest, signature, publicKey) {
    if (digest.length !== 32) throw new RangeError('expected a 32-byte digest'); // ours, never a transaction's
    if (!isCanonicalSignature(signature) || !isPublicKeyPoint(publicKey)) return false;
    const r = bytesToNumberBE(signature.subarray(0, 32));
    const w = Fn.inv(bytesToNumberBE(signature.subarray(32)));
    const h = bytesToNumberBE(digest);
    // R = (h/s)·G + (r/s)·P; the signature holds when R is a point whose x is r mod n.
    const R = secp256k1.Point.BASE.mulAddUnsafe(Fn.mul(h, w), secp256k1.Point.fromBytes(publicKey), Fn.mul(r, w));
    return !R.is0() && Fn.create(R.toAffine().x) === r;
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
