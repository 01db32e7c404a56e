import { createRequire } from 'node:module';
import {
  addressFromUncompressed,
  bytesToHex,
  decompressWith,
  isCanonicalSignature,
  isPublicKeyPoint,
  nobleBackend,
  type SignatureBackend,
} from '@hackcoin/core';
import { installNativeSha256, type Sha256Backend } from './native-hash.js';
import { OldestFirst } from '../util/oldest-first.js';

interface NativeSecp256k1 {
  ecdsaVerify(sig: Uint8Array, msg32: Uint8Array, publicKey: Uint8Array): boolean;
  publicKeyConvert(publicKey: Uint8Array, compressed: boolean): Uint8Array;
}

export interface LoadedBackend {
  name: 'libsecp256k1-native' | 'noble';
  backend: SignatureBackend;
  /** What core's SHA-256 runs on, installed alongside. */
  sha256: Sha256Backend;
}

/**
 * libsecp256k1 through the `secp256k1` package's prebuilt N-API binary, ≈25×
 * faster than noble. The package silently falls back to pure JS when its
 * binary fails to load, so we load the binding directly and fall back to
 * noble ourselves, saying which one runs. libsecp256k1's verify rejects
 * high-S signatures exactly as noble's lowS mode does.
 */
export function loadSignatureBackend(): LoadedBackend {
  const sha256 = installNativeSha256();
  try {
    const require = createRequire(import.meta.url);
    const native = require('secp256k1/bindings') as NativeSecp256k1;
    // The binding's "could not be parsed" is a plain Error like any other it throws.
    const decompress = decompressWith((pub) => native.publicKeyConvert(pub, false));
    const keys = new KnownKeys(decompress);
    return {
      name: 'libsecp256k1-native',
      sha256,
      backend: {
        verify(digest, signature, publicKey) {
          if (digest.length !== 32) throw new RangeError('expected a 32-byte digest'); // ours, never a transaction's
          // The signature's verdicts, decided exactly: the binding throws on r or s ≥ n as on anything else.
          if (!isCanonicalSignature(signature)) return false;
          // libsecp256k1 also parses the hybrid form (0x06/0x07 ‖ x ‖ y), which noble does not.
          if (publicKey[0] !== 2 && publicKey[0] !== 3 && publicKey[0] !== 4) return false;
          const point = keys.point(publicKey);
          // A point the cache derived parses: whatever the binding throws now is the host's failure.
          if (point) return native.ecdsaVerify(signature, digest, point);
          // A key not remembered (not yet asked for its address, or evicted): one the binding cannot parse
          // makes it throw, and is judged then as decompressWith judges it (the exact check costs twice a
          // verify, so it is not made up front).
          try {
            return native.ecdsaVerify(signature, digest, publicKey);
          } catch (e) {
            if (!isPublicKeyPoint(publicKey)) return false;
            throw e;
          }
        },
        decompress,
        address: (pub) => keys.get(pub).address,
      },
    };
  } catch {
    return { name: 'noble', backend: nobleBackend, sha256 };
  }
}

const KNOWN_KEYS = 50_000;

/**
 * Busy senders (exchanges, pools) sign many transactions. Remembering recent public keys'
 * points and addresses skips, per transaction, a point decompression and a keccak for the
 * address, and the signature check then takes the point as it is: libsecp256k1 parses a
 * compressed key with a field square root, about a tenth of a verify, and an uncompressed
 * one with an on-curve check. The verdict is the same, as both name the same point. A key
 * is remembered only once its address was derived, so a key that is not a point never is.
 */
class KnownKeys {
  private readonly map = new Map<string, { point: Uint8Array; address: Uint8Array }>();
  private readonly oldest = new OldestFirst(this.map);

  constructor(private readonly decompress: (pub: Uint8Array) => Uint8Array) {}

  /** Throws InvalidKeyError on a key that is not a point. */
  get(pub: Uint8Array): { point: Uint8Array; address: Uint8Array } {
    const k = bytesToHex(pub);
    let known = this.map.get(k);
    if (known) {
      // Most recently used last: a flood of one-off keys pushes out those, not the busy senders.
      this.map.delete(k);
    } else {
      const point = this.decompress(pub);
      known = { point, address: addressFromUncompressed(point) };
      if (this.map.size >= KNOWN_KEYS) this.oldest.evict();
    }
    this.map.set(k, known);
    return known;
  }

  /** The key's remembered point, if it is remembered. */
  point(pub: Uint8Array): Uint8Array | undefined {
    return this.map.get(bytesToHex(pub))?.point;
  }
}
