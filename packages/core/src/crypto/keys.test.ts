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
import { bytesToHex, hexToBytes, utf8ToBytes } from '../encoding/bytes.js';
import { formatAddress } from '../primitives/address.js';
import { N, be32, beToBig, buildCase, nearStackLimit, signatureCase } from '../test-support/signature-cases.js';


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
