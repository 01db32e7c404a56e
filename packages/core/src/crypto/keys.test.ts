import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import {
  PUBKEY_SIZE,
  SIGNATURE_SIZE,
  addressFromPublicKey,
  InvalidKeyError,
  addressFromUncompressed,
  decompressWith,
  generatePrivateKey,
  isCanonicalSignature,
  isCompressedPoint,
  isPublicKeyPoint,
  isValidPrivateKey,
  nobleBackend,
  publicKeyFromPrivate,
  signDigest,
} from './keys.js';
import { sha256 } from './hash.js';
import { bigIntToBytesLE, bytesToHex, hexToBytes, reverseBytes, utf8ToBytes } from '../encoding/bytes.js';
import { formatAddress } from '../primitives/address.js';

const N = secp256k1.Point.CURVE().n;
const be32 = (n: bigint): Uint8Array => reverseBytes(bigIntToBytesLE(n, 32));
const beToBig = (b: Uint8Array): bigint => BigInt('0x' + bytesToHex(b));

describe('keys', () => {
  it('private key 1 gives the generator point G (compressed)', () => {
    const pub = publicKeyFromPrivate(be32(1n));
    expect(pub.length).toBe(PUBKEY_SIZE);
    expect(bytesToHex(pub)).toBe('0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798');
    expect(bytesToHex(nobleBackend.decompress(pub))).toBe(
      '0479be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798' +
        '483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8',
    );
  });

  it('EIP-155 example key 0x4646… derives address 0x9d8A62f656a8d1615C1294fd71e9CFb3E4855A4F', () => {
    const priv = hexToBytes('4646464646464646464646464646464646464646464646464646464646464646');
    const addr = addressFromPublicKey(publicKeyFromPrivate(priv));
    expect(addr.length).toBe(20);
    expect(formatAddress(addr)).toBe('0x9d8A62f656a8d1615C1294fd71e9CFb3E4855A4F');
  });

  it('addressFromUncompressed requires a 65-byte 0x04 key', () => {
    expect(() => addressFromUncompressed(new Uint8Array(64))).toThrow('expected an uncompressed public key');
    const bad = new Uint8Array(65);
    bad[0] = 2;
    expect(() => addressFromUncompressed(bad)).toThrow('expected an uncompressed public key');
  });

  it('decompress throws InvalidKeyError on a point not on the curve', () => {
    const bogus = new Uint8Array(33);
    bogus[0] = 2;
    bogus[32] = 5; // x = 5 has no point on secp256k1
    expect(() => nobleBackend.decompress(bogus)).toThrow(InvalidKeyError);
  });

  it('isCompressedPoint agrees with noble on random x, on x ≥ p and on other prefixes and lengths', () => {
    const decodes = (k: Uint8Array): boolean => {
      try {
        secp256k1.Point.fromBytes(k);
        return true;
      } catch {
        return false;
      }
    };
    let points = 0;
    for (let i = 0; i < 200; i++) {
      const k = new Uint8Array([2 + (i % 2), ...secp256k1.utils.randomSecretKey()]);
      expect(isCompressedPoint(k), bytesToHex(k)).toBe(decodes(k));
      if (decodes(k)) points++;
    }
    // About half of all x are points: both answers were exercised.
    expect(points).toBeGreaterThan(50);
    expect(points).toBeLessThan(150);
    const p = secp256k1.Point.Fp.ORDER;
    const atP = new Uint8Array([2, ...be32(p)]);
    expect([isCompressedPoint(atP), decodes(atP)]).toEqual([false, false]);
    const g = publicKeyFromPrivate(be32(1n));
    expect(isCompressedPoint(g)).toBe(true);
    expect(isCompressedPoint(new Uint8Array([4, ...g.subarray(1)]))).toBe(false);
    expect(isCompressedPoint(g.subarray(0, 32))).toBe(false);
  });

  it("decompressWith makes a library's failure the key's only when the key is not a point", () => {
    const g = publicKeyFromPrivate(be32(1n));
    const offCurve = new Uint8Array(33);
    offCurve[0] = 2;
    offCurve[32] = 5;
    // noble wraps whatever its square root throws, a stack overflow too, in a plain Error.
    const wrapped = new Error('bad point: is not on curve, sqrt error: Maximum call stack size exceeded');
    const overflow = new RangeError('Maximum call stack size exceeded');
    for (const e of [wrapped, overflow]) {
      const failing = decompressWith(() => {
        throw e;
      });
      expect(() => failing(g)).toThrow(e);
      const judged = (() => {
        try {
          return failing(offCurve);
        } catch (thrown) {
          return thrown;
        }
      })();
      expect(judged).toBeInstanceOf(InvalidKeyError);
      expect((judged as Error).cause).toBe(e);
    }
  });

  it('validates private keys: 0 and n are invalid, 1 and n-1 are valid', () => {
    expect(isValidPrivateKey(be32(0n))).toBe(false);
    expect(isValidPrivateKey(be32(N))).toBe(false);
    expect(isValidPrivateKey(be32(1n))).toBe(true);
    expect(isValidPrivateKey(be32(N - 1n))).toBe(true);
    const k = generatePrivateKey();
    expect(k.length).toBe(32);
    expect(isValidPrivateKey(k)).toBe(true);
  });

  it('signs deterministically per RFC 6979 (key 1, sha256("Satoshi Nakamoto"))', () => {
    const digest = sha256(utf8ToBytes('Satoshi Nakamoto'));
    const sig = signDigest(digest, be32(1n));
    expect(sig.length).toBe(SIGNATURE_SIZE);
    expect(bytesToHex(sig)).toBe(
      '934b1ea10a4b3c1757e2b0c017d0b6143ce3c9a7e6a4a49860d7a6ab210ee3d8' +
        '2442ce9d2b916064108014783e923ec36b49743e2ffa1c4496f01a512aafd9e5',
    );
    expect(nobleBackend.verify(digest, sig, publicKeyFromPrivate(be32(1n)))).toBe(true);
  });

  it('always produces low-S signatures', () => {
    for (let i = 1; i <= 20; i++) {
      const digest = sha256(utf8ToBytes(`message ${i}`));
      const sig = signDigest(digest, be32(BigInt(i) * 0x1234567n));
      expect(beToBig(sig.subarray(32)) <= N / 2n).toBe(true);
    }
  });

  it('nobleBackend.verify rejects the high-S twin of a valid signature', () => {
    const priv = hexToBytes('4646464646464646464646464646464646464646464646464646464646464646');
    const pub = publicKeyFromPrivate(priv);
    const digest = sha256(utf8ToBytes('pay 1 HCK'));
    const sig = signDigest(digest, priv);
    const s = beToBig(sig.subarray(32));
    const high = new Uint8Array(64);
    high.set(sig.subarray(0, 32), 0);
    high.set(be32(N - s), 32);
    expect(nobleBackend.verify(digest, sig, pub)).toBe(true);
    // The twin is mathematically valid ECDSA...
    expect(secp256k1.verify(high, digest, pub, { prehash: false, lowS: false, format: 'compact' })).toBe(true);
    // ...but consensus rejects it (malleability).
    expect(nobleBackend.verify(digest, high, pub)).toBe(false);
  });

  it('nobleBackend.verify returns false (not throws) on garbage', () => {
    const digest = new Uint8Array(32).fill(1);
    const pub = publicKeyFromPrivate(be32(7n));
    expect(nobleBackend.verify(digest, new Uint8Array(64), pub)).toBe(false);
    expect(nobleBackend.verify(digest, new Uint8Array(63), pub)).toBe(false);
    expect(nobleBackend.verify(digest, signDigest(digest, be32(7n)), new Uint8Array(33))).toBe(false);
    // Right signature, wrong key.
    expect(nobleBackend.verify(digest, signDigest(digest, be32(7n)), publicKeyFromPrivate(be32(8n)))).toBe(false);
  });

  it('isCanonicalSignature takes exactly r, s in [1, n−1] with s ≤ n/2, as 64 bytes', () => {
    const sig = (r: bigint, s: bigint) => new Uint8Array([...be32(r), ...be32(s)]);
    expect(isCanonicalSignature(sig(1n, 1n))).toBe(true);
    expect(isCanonicalSignature(sig(N - 1n, N / 2n))).toBe(true);
    for (const [r, s] of [[0n, 1n], [1n, 0n], [N, 1n], [1n, N], [1n, N / 2n + 1n], [1n, N - 1n], [2n ** 256n - 1n, 1n]] as const) {
      expect(isCanonicalSignature(sig(r, s)), `${r} ${s}`).toBe(false);
    }
    expect(isCanonicalSignature(sig(1n, 1n).subarray(0, 63))).toBe(false);
    expect(isCanonicalSignature(new Uint8Array([...sig(1n, 1n), 0]))).toBe(false);
  });

  it('nobleBackend.verify gives the verdict of noble’s own lowS verify on valid, mutated and malformed signatures and keys', () => {
    const oldVerify = (digest: Uint8Array, sig: Uint8Array, pub: Uint8Array): boolean => {
      try {
        return secp256k1.verify(sig, digest, pub, { prehash: false, lowS: true, format: 'compact' });
      } catch {
        return false;
      }
    };
    let valid = 0;
    fc.assert(
      fc.property(signatureCase, (c) => {
        const { digest, signature, publicKey } = buildCase(c);
        const expected = oldVerify(digest, signature, publicKey);
        if (expected) valid++;
        expect(nobleBackend.verify(digest, signature, publicKey)).toBe(expected);
        expect(isPublicKeyPoint(publicKey)).toBe(decodes(publicKey));
      }),
      { numRuns: 2000, seed: 0x5167 },
    );
    // Both verdicts were exercised.
    expect(valid).toBeGreaterThan(200);
    expect(valid).toBeLessThan(1800);
  });

  it('nobleBackend.verify passes on a stack overflow met in its arithmetic instead of answering false', () => {
    const priv = be32(0x1234n);
    const digest = sha256(utf8ToBytes('pay 1 HCK'));
    const sig = signDigest(digest, priv);
    for (const pub of [publicKeyFromPrivate(priv), nobleBackend.decompress(publicKeyFromPrivate(priv))]) {
      const outcomes = nearStackLimit(() => nobleBackend.verify(digest, sig, pub));
      expect(outcomes).not.toContain(false);
      expect(outcomes).toContain(true);
      expect(outcomes.some((o) => o instanceof Error), 'the stack ran out at least once').toBe(true);
    }
  });
});

/** Whether noble decodes `key` as a point. */
function decodes(key: Uint8Array): boolean {
  try {
    secp256k1.Point.fromBytes(key);
    return true;
  } catch {
    return false;
  }
}

/**
 * Calls f at every stack depth from just short of the limit up until it has succeeded 5 times, and gives
 * each call's result or thrown error: the first calls run out of stack at every point of their work.
 */
function nearStackLimit<T>(f: () => T): (T | Error)[] {
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

const P = secp256k1.Point.Fp.ORDER;
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
/** A signing key, another key, a digest, the key's form, and what is done to the signature or key. */
const signatureCase = fc.record({
  priv: fc.bigInt(1n, N - 1n),
  other: fc.bigInt(1n, N - 1n),
  digest: fc.uint8Array({ minLength: 32, maxLength: 32 }),
  uncompressed: fc.boolean(),
  mutation,
});
type SignatureCase = typeof signatureCase extends fc.Arbitrary<infer T> ? T : never;

function buildCase(c: SignatureCase): { digest: Uint8Array; signature: Uint8Array; publicKey: Uint8Array } {
  const m = c.mutation;
  let digest = m.kind === 'digest' ? be32(m.value) : c.digest;
  let signature: Uint8Array = signDigest(digest, be32(c.priv));
  let publicKey: Uint8Array = secp256k1.getPublicKey(be32(m.kind === 'wrong key' ? c.other : c.priv), !c.uncompressed);
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
      publicKey = secp256k1.Point.fromBytes(publicKey).negate().toBytes(!c.uncompressed);
      break;
    case 'hybrid key': {
      // libsecp256k1 parses 0x06/0x07 ‖ x ‖ y with the prefix naming y's parity; noble does not.
      const u = secp256k1.Point.fromBytes(publicKey).toBytes(false);
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
