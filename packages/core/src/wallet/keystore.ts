import { scryptAsync } from '@noble/hashes/scrypt.js';
import { randomBytes } from '@noble/hashes/utils.js';
import { bytesToHex, hexToBytes, utf8ToBytes } from '../encoding/bytes.js';
import { KeystoreError, WRONG_PASSWORD_MESSAGE } from './errors.js';
import { subtleCrypto, utf8Decode } from './platform.js';
import { validateMnemonic } from './mnemonic.js';
import { parseKeystoreObject, parseMeta, parseSecretPayload } from './keystore-schema.js';
import {
  KEYSTORE_FORMAT,
  KEYSTORE_VERSION,
  emptyMeta,
  type KeystoreFile,
  type KeystoreMeta,
  type KeystoreSecret,
  type ScryptParams,
} from './keystore-types.js';

/** ~0.35 s and 32 MiB per unlock on a 2020s laptop core: slow enough to hurt guessing, fast enough for users. */
export const DEFAULT_SCRYPT: Readonly<ScryptParams> = Object.freeze({ n: 2 ** 15, r: 8, p: 1 });
/** Lowest accepted cost; only tests should go below the default. */
export const MIN_SCRYPT_N = 2 ** 10;
/** Refuse files asking for more than 256 MiB of scrypt memory, so a hostile file cannot exhaust RAM. */
export const MAX_SCRYPT_MEMORY = 256 * 1024 * 1024;
const MAX_SCRYPT_P = 4;

export const SALT_BYTES = 32;
/** 96-bit IV: the size GCM is specified for. A fresh random IV per encryption; keys are never reused anyway (fresh salt). */
export const IV_BYTES = 12;
const TAG_BITS = 128;

export interface EncryptOptions {
  /** Override the KDF cost (tests). Defaults to DEFAULT_SCRYPT. */
  scrypt?: Partial<ScryptParams>;
}

export interface DecryptedKeystore {
  secret: KeystoreSecret;
  meta: KeystoreMeta;
}

function checkScrypt({ n, r, p }: ScryptParams): void {
  const powerOfTwo = Number.isInteger(n) && n >= 2 && (n & (n - 1)) === 0;
  if (!powerOfTwo || n < MIN_SCRYPT_N) throw new KeystoreError(`scrypt n must be a power of two >= ${MIN_SCRYPT_N}`);
  if (!Number.isInteger(r) || r < 1 || !Number.isInteger(p) || p < 1 || p > MAX_SCRYPT_P) {
    throw new KeystoreError(`scrypt r must be >= 1 and p in [1, ${MAX_SCRYPT_P}]`);
  }
  if (128 * r * (n + p + 1) > MAX_SCRYPT_MEMORY) throw new KeystoreError('scrypt parameters need too much memory');
}

/** NFKC so the same password typed on different systems yields the same bytes. */
function passwordBytes(password: string): Uint8Array {
  if (typeof password !== 'string' || password.length === 0) throw new KeystoreError('password must be a non-empty string');
  return utf8ToBytes(password.normalize('NFKC'));
}

async function deriveKey(password: string, salt: Uint8Array, params: ScryptParams): Promise<Uint8Array> {
  checkScrypt(params);
  return scryptAsync(passwordBytes(password), salt, {
    N: params.n,
    r: params.r,
    p: params.p,
    dkLen: 32,
    maxmem: MAX_SCRYPT_MEMORY + 1024 * 1024,
  });
}

function encodeSecret(secret: KeystoreSecret): Uint8Array {
  if (secret.hd && !validateMnemonic(secret.hd.mnemonic)) throw new KeystoreError('refusing to encrypt an invalid mnemonic');
  // Round-trip through the validator so a bad secret fails here, not on the next unlock.
  const payload = { hd: secret.hd, imported: secret.imported.map((k) => bytesToHex(k)) };
  parseSecretPayload(payload);
  return utf8ToBytes(JSON.stringify(payload));
}

/** Encrypts a secret under a password; metadata is copied in clear. */
export async function encryptKeystore(
  secret: KeystoreSecret,
  password: string,
  meta: KeystoreMeta = emptyMeta(),
  options: EncryptOptions = {},
): Promise<KeystoreFile> {
  const params: ScryptParams = { ...DEFAULT_SCRYPT, ...options.scrypt };
  const cleanMeta = parseMeta(JSON.parse(JSON.stringify(meta)));
  const plaintext = encodeSecret(secret);
  const salt = randomBytes(SALT_BYTES);
  const iv = randomBytes(IV_BYTES);
  const subtle = subtleCrypto();
  const keyBytes = await deriveKey(password, salt, params);
  try {
    const key = await subtle.importKey('raw', keyBytes, { name: 'AES-GCM' }, false, ['encrypt']);
    const sealed = new Uint8Array(await subtle.encrypt({ name: 'AES-GCM', iv, tagLength: TAG_BITS }, key, plaintext));
    return {
      format: KEYSTORE_FORMAT,
      version: KEYSTORE_VERSION,
      kdf: { name: 'scrypt', n: params.n, r: params.r, p: params.p, dkLen: 32, salt: bytesToHex(salt) },
      cipher: { name: 'aes-256-gcm', iv: bytesToHex(iv) },
      ciphertext: bytesToHex(sealed),
      meta: cleanMeta,
    };
  } finally {
    keyBytes.fill(0);
    plaintext.fill(0);
  }
}

/** Validates the shape of a keystore given as JSON text or an already parsed object. */
export function parseKeystore(input: string | unknown): KeystoreFile {
  let value = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch {
      throw new KeystoreError('malformed keystore: not valid JSON');
    }
  }
  return parseKeystoreObject(value);
}

export function serializeKeystore(file: KeystoreFile): string {
  return `${JSON.stringify(file, null, 2)}\n`;
}

/** Replaces the clear metadata without touching the ciphertext, so no password is needed. */
export function withKeystoreMeta(file: KeystoreFile, meta: KeystoreMeta): KeystoreFile {
  return { ...parseKeystore(file), meta: parseMeta(JSON.parse(JSON.stringify(meta))) };
}

/**
 * Decrypts a keystore. Any wrong password or altered byte (salt, iv, KDF
 * parameters, ciphertext, tag) makes the GCM tag check fail, reported as one
 * KeystoreError; no key material is ever returned from a failed check.
 */
export async function decryptKeystore(input: string | unknown, password: string): Promise<DecryptedKeystore> {
  const file = parseKeystore(input);
  const { n, r, p } = file.kdf;
  const subtle = subtleCrypto();
  const keyBytes = await deriveKey(password, hexToBytes(file.kdf.salt), { n, r, p });
  let plaintext: Uint8Array;
  try {
    const key = await subtle.importKey('raw', keyBytes, { name: 'AES-GCM' }, false, ['decrypt']);
    const iv = hexToBytes(file.cipher.iv);
    plaintext = new Uint8Array(
      await subtle.decrypt({ name: 'AES-GCM', iv, tagLength: TAG_BITS }, key, hexToBytes(file.ciphertext)),
    );
  } catch {
    throw new KeystoreError(WRONG_PASSWORD_MESSAGE);
  } finally {
    keyBytes.fill(0);
  }
  try {
    // Authentic plaintext that does not parse means a foreign or buggy writer, not a wrong password.
    let payload: unknown;
    try {
      payload = JSON.parse(utf8Decode(plaintext));
    } catch {
      throw new KeystoreError('malformed keystore: decrypted payload is not JSON');
    }
    return { secret: parseSecretPayload(payload), meta: file.meta };
  } finally {
    plaintext.fill(0);
  }
}
