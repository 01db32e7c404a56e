import { WalletError } from './errors.js';

// core compiles against lib ES2022 without DOM or @types/node, so the few
// WebCrypto and TextDecoder members the wallet needs are typed here by hand
// and looked up on globalThis at call time (present in Node >= 20 and in
// browsers; crypto.subtle only in secure contexts: https or localhost).

export type AesKey = { readonly __brand: 'CryptoKey' };

export interface AesGcmParams {
  name: 'AES-GCM';
  iv: Uint8Array;
  tagLength: number;
}

export interface SubtleLike {
  importKey(
    format: 'raw',
    keyData: Uint8Array,
    algorithm: { name: 'AES-GCM' },
    extractable: false,
    usages: Array<'encrypt' | 'decrypt'>,
  ): Promise<AesKey>;
  encrypt(params: AesGcmParams, key: AesKey, data: Uint8Array): Promise<ArrayBuffer>;
  decrypt(params: AesGcmParams, key: AesKey, data: Uint8Array): Promise<ArrayBuffer>;
}

interface TextDecoderLike {
  decode(bytes: Uint8Array): string;
}

interface WebGlobals {
  crypto?: { subtle?: SubtleLike };
  TextDecoder?: new (label: string, options: { fatal: boolean }) => TextDecoderLike;
}

const web = globalThis as unknown as WebGlobals;

export function subtleCrypto(): SubtleLike {
  const subtle = web.crypto?.subtle;
  if (!subtle) {
    throw new WalletError('WebCrypto is unavailable (needs Node >= 20, or a browser page served over https/localhost)');
  }
  return subtle;
}

let decoder: TextDecoderLike | undefined;

/** Strict UTF-8 decoding: invalid sequences throw instead of becoming U+FFFD. */
export function utf8Decode(bytes: Uint8Array): string {
  if (!decoder) {
    if (!web.TextDecoder) throw new WalletError('TextDecoder is unavailable on this platform');
    decoder = new web.TextDecoder('utf-8', { fatal: true });
  }
  return decoder.decode(bytes);
}
