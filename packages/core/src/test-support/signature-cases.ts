import fc from 'fast-check';
import { nobleBackend, publicKeyFromPrivate, signDigest } from '../crypto/keys.js';
import { bigIntToBytesLE, bytesToBigIntLE, reverseBytes } from '../encoding/bytes.js';

/**
 * Signature verify cases for differential tests of the signature backends (core's noble against
 * noble's own verify, the node's libsecp256k1 against noble): valid signatures and every way a
 * signature, key or digest can be wrong, malformed or at an edge of the field or the group.
 */
export const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const P = 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2fn;
export const be32 = (n: bigint): Uint8Array => reverseBytes(bigIntToBytesLE(n, 32));
export const beToBig = (b: Uint8Array): bigint => bytesToBigIntLE(reverseBytes(b));
const edge = fc.constantFrom(0n, 1n, N / 2n, N / 2n + 1n, N - 1n, N, N + 1n, P - 1n, P, 2n ** 256n - 1n);
const mutation = fc.oneof(
  fc.constant({ kind: 'none' as const }),
  fc.constant({ kind: 'wrong message' as const }),
  fc.constant({ kind: 'wrong key' as const }),
  fc.constant({ kind: 'high S' as const }),
  fc.constant({ kind: 'negated key' as const }),
  fc.constant({ kind: 'hybrid key' as const }),
  fc.record({ kind: fc.constant('r' as const), value: edge }),
  fc.record({ kind: fc.constant('s' as const), value: edge }),
  fc.record({ kind: fc.constant('digest' as const), value: fc.constantFrom(0n, N, N + 1n, 2n ** 256n - 1n) }),
  fc.record({ kind: fc.constant('length' as const), value: fc.integer({ min: 0, max: 130 }).filter((n) => n !== 64) }),
  fc.record({ kind: fc.constant('random signature' as const), value: fc.uint8Array({ minLength: 64, maxLength: 64 }) }),
  // A random x: about half are points (a wrong key then), half are not.
  fc.record({ kind: fc.constant('random x' as const), value: fc.uint8Array({ minLength: 32, maxLength: 32 }) }),
  fc.record({ kind: fc.constant('x ≥ p' as const), value: fc.bigInt(P, 2n ** 256n - 1n) }),
  fc.record({ kind: fc.constant('flipped bit' as const), value: fc.integer({ min: 0, max: (64 + 65) * 8 - 1 }) }),
  fc.record({ kind: fc.constant('key length' as const), value: fc.constantFrom(0, 1, 32, 34, 64, 66) }),
);
/** A signing key, another key, a digest, the key's form, whether a backend with a key cache (the node's) has it, and what is done to the signature or key. */
export const signatureCase = fc.record({
  priv: fc.bigInt(1n, N - 1n),
  other: fc.bigInt(1n, N - 1n),
  digest: fc.uint8Array({ minLength: 32, maxLength: 32 }),
  uncompressed: fc.boolean(),
  remember: fc.boolean(),
  mutation,
});
export type SignatureCase = typeof signatureCase extends fc.Arbitrary<infer T> ? T : never;

export function buildCase(c: SignatureCase): { digest: Uint8Array; signature: Uint8Array; publicKey: Uint8Array } {
  const m = c.mutation;
  const keyOf = (compressed: Uint8Array) => (c.uncompressed ? nobleBackend.decompress(compressed) : compressed);
  let digest = m.kind === 'digest' ? be32(m.value) : c.digest;
  let signature: Uint8Array = signDigest(digest, be32(c.priv));
  const compressed = publicKeyFromPrivate(be32(m.kind === 'wrong key' ? c.other : c.priv));
  let publicKey = keyOf(compressed);
  const setScalar = (at: number, v: bigint) => {
    signature = signature.slice();
    signature.set(be32(v), at);
  };
  switch (m.kind) {
    case 'wrong message':
      digest = digest.slice();
      digest[0]! ^= 1;
      break;
    case 'high S':
      setScalar(32, N - beToBig(signature.subarray(32)));
      break;
    case 'negated key':
      publicKey = keyOf(new Uint8Array([compressed[0]! ^ 1, ...compressed.subarray(1)]));
      break;
    case 'hybrid key': {
      // libsecp256k1 parses 0x06/0x07 ‖ x ‖ y with the prefix naming y's parity; noble does not.
      const u = nobleBackend.decompress(compressed);
      publicKey = new Uint8Array([6 | (u[64]! & 1), ...u.subarray(1)]);
      break;
    }
    case 'r':
      setScalar(0, m.value);
      break;
    case 's':
      setScalar(32, m.value);
      break;
    case 'length':
      signature = new Uint8Array(m.value).map((_, i) => signature[i % 64]!);
      break;
    case 'random signature':
      signature = m.value;
      break;
    case 'random x':
      publicKey = new Uint8Array([2 | (m.value[0]! & 1), ...m.value]);
      break;
    case 'x ≥ p':
      publicKey = c.uncompressed ? new Uint8Array([4, ...be32(m.value), ...publicKey.subarray(33)]) : new Uint8Array([publicKey[0]!, ...be32(m.value)]);
      break;
    case 'flipped bit': {
      // In the signature or, past it, in the key (an uncompressed key's y off the curve).
      const i = m.value >> 3;
      const target = i < 64 ? (signature = signature.slice()) : (publicKey = publicKey.slice());
      const at = i < 64 ? i : 1 + ((i - 64) % (publicKey.length - 1));
      target[at]! ^= 1 << (m.value & 7);
      break;
    }
    case 'key length':
      publicKey = new Uint8Array(m.value).map((_, i) => publicKey[i % publicKey.length]!);
      break;
  }
  return { digest, signature, publicKey };
}

/**
 * Calls f at every stack depth from just short of the limit up until it has succeeded 5 times, and gives
 * each call's result or thrown error: the first calls run out of stack at every point of their work.
 */
export function nearStackLimit<T>(f: () => T): (T | Error)[] {
  const outcomes: (T | Error)[] = [];
  let successes = 0;
  const dive = (): void => {
    try {
      dive();
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
    }
    if (successes >= 5) return;
    try {
      outcomes.push(f());
      successes++;
    } catch (e) {
      outcomes.push(e as Error);
    }
  };
  dive();
  return outcomes;
}
