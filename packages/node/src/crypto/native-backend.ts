import { createRequire } from 'node:module';
import { addressFromUncompressed, bytesToHex, nobleBackend, type SignatureBackend } from '@hackcoin/core';
import { installNativeSha256, type Sha256Backend } from './native-hash.js';

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
    return {
      name: 'libsecp256k1-native',
      sha256,
      backend: {
        verify(digest, signature, publicKey) {
          try {
            return native.ecdsaVerify(signature, digest, publicKey);
          } catch {
            return false;
          }
        },
        decompress(publicKey) {
          return native.publicKeyConvert(publicKey, false);
        },
        address: senderCache((pub) => addressFromUncompressed(native.publicKeyConvert(pub, false))),
      },
    };
  } catch {
    return { name: 'noble', backend: nobleBackend, sha256 };
  }
}

const SENDER_CACHE_SIZE = 50_000;

/**
 * Busy senders (exchanges, pools) sign many transactions: remembering the
 * address of recent public keys skips a point decompression and a keccak per
 * transaction, about a third of a signature check.
 */
function senderCache(derive: (pub: Uint8Array) => Uint8Array): (pub: Uint8Array) => Uint8Array {
  const cache = new Map<string, Uint8Array>();
  return (pub) => {
    const k = bytesToHex(pub);
    let a = cache.get(k);
    if (!a) {
      a = derive(pub);
      if (cache.size >= SENDER_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
      cache.set(k, a);
    }
    return a;
  };
}
