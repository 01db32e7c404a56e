import { hexToBytes } from '../encoding/bytes.js';
import { isAddress } from '../primitives/address.js';
import { KeystoreError } from './errors.js';
import {
  KEYSTORE_FORMAT,
  KEYSTORE_VERSION,
  MAX_LABEL_LENGTH,
  type AccountMeta,
  type AddressMeta,
  type KeystoreFile,
  type KeystoreMeta,
  type KeystoreSecret,
} from './keystore-types.js';

// Validation of everything read from disk or the network: a keystore is
// untrusted input until it decrypts, and its metadata stays untrusted after.

type Obj = Record<string, unknown>;

function fail(what: string): never {
  throw new KeystoreError(`malformed keystore: ${what}`);
}

function obj(v: unknown, what: string): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(`${what} must be an object`);
  return v as Obj;
}

function str(o: Obj, key: string, what: string): string {
  const v = o[key];
  if (typeof v !== 'string') fail(`${what}.${key} must be a string`);
  return v;
}

function int(o: Obj, key: string, what: string, min: number, max: number): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    fail(`${what}.${key} must be an integer in [${min}, ${max}]`);
  }
  return v;
}

function arr(o: Obj, key: string, what: string): unknown[] {
  const v = o[key];
  if (!Array.isArray(v)) fail(`${what}.${key} must be an array`);
  return v;
}

function hex(o: Obj, key: string, what: string, minBytes: number, maxBytes: number): string {
  const v = str(o, key, what);
  if (!/^[0-9a-f]*$/.test(v) || v.length % 2 !== 0) fail(`${what}.${key} must be lowercase hex`);
  const n = v.length / 2;
  if (n < minBytes || n > maxBytes) fail(`${what}.${key} must be ${minBytes}-${maxBytes} bytes`);
  return v;
}

function label(o: Obj, what: string): string {
  const v = str(o, 'label', what);
  if (v.length > MAX_LABEL_LENGTH) fail(`${what}.label is longer than ${MAX_LABEL_LENGTH} characters`);
  return v;
}

const U31 = 0x7fff_ffff;

function parseAccount(v: unknown, i: number): AccountMeta {
  const what = `meta.accounts[${i}]`;
  const o = obj(v, what);
  const name = str(o, 'name', what);
  if (name.length > MAX_LABEL_LENGTH) fail(`${what}.name is too long`);
  return { account: int(o, 'account', what, 0, U31), name, nextIndex: int(o, 'nextIndex', what, 0, U31 + 1) };
}

function parseAddressMeta(v: unknown, i: number): AddressMeta {
  const what = `meta.addresses[${i}]`;
  const o = obj(v, what);
  const address = str(o, 'address', what);
  if (!isAddress(address)) fail(`${what}.address is not a valid address`);
  const kind = o['kind'];
  if (kind === 'hd') {
    return {
      kind,
      address,
      label: label(o, what),
      account: int(o, 'account', what, 0, U31),
      index: int(o, 'index', what, 0, U31),
    };
  }
  if (kind === 'imported') return { kind, address, label: label(o, what) };
  return fail(`${what}.kind must be "hd" or "imported"`);
}

export function parseMeta(v: unknown): KeystoreMeta {
  const o = obj(v, 'meta');
  const accounts = arr(o, 'accounts', 'meta').map(parseAccount);
  const addresses = arr(o, 'addresses', 'meta').map(parseAddressMeta);
  if (new Set(accounts.map((a) => a.account)).size !== accounts.length) fail('meta.accounts has duplicates');
  if (new Set(addresses.map((a) => a.address.toLowerCase())).size !== addresses.length) {
    fail('meta.addresses has duplicates');
  }
  return { accounts, addresses };
}

export function parseKeystoreObject(v: unknown): KeystoreFile {
  const o = obj(v, 'keystore');
  if (o['format'] !== KEYSTORE_FORMAT) fail(`format must be "${KEYSTORE_FORMAT}"`);
  if (o['version'] !== KEYSTORE_VERSION) fail(`unsupported version ${String(o['version'])}`);
  const k = obj(o['kdf'], 'kdf');
  if (k['name'] !== 'scrypt') fail('kdf.name must be "scrypt"');
  if (k['dkLen'] !== 32) fail('kdf.dkLen must be 32');
  const c = obj(o['cipher'], 'cipher');
  if (c['name'] !== 'aes-256-gcm') fail('cipher.name must be "aes-256-gcm"');
  return {
    format: KEYSTORE_FORMAT,
    version: KEYSTORE_VERSION,
    // Range checks on n/r/p live in the KDF step, which knows the memory budget.
    kdf: {
      name: 'scrypt',
      n: int(k, 'n', 'kdf', 2, 2 ** 30),
      r: int(k, 'r', 'kdf', 1, 1024),
      p: int(k, 'p', 'kdf', 1, 1024),
      dkLen: 32,
      salt: hex(k, 'salt', 'kdf', 16, 64),
    },
    cipher: { name: 'aes-256-gcm', iv: hex(c, 'iv', 'cipher', 12, 12) },
    ciphertext: hex(o, 'ciphertext', 'keystore', 17, 1 << 20),
    meta: parseMeta(o['meta']),
  };
}

/** Shape of the decrypted payload: `{"hd": {...} | null, "imported": ["hex", ...]}`. */
export function parseSecretPayload(v: unknown): KeystoreSecret {
  const o = obj(v, 'secret');
  let hd: KeystoreSecret['hd'] = null;
  if (o['hd'] !== null) {
    const h = obj(o['hd'], 'secret.hd');
    hd = { mnemonic: str(h, 'mnemonic', 'secret.hd'), passphrase: str(h, 'passphrase', 'secret.hd') };
  }
  const imported = arr(o, 'imported', 'secret').map((k, i) => {
    if (typeof k !== 'string' || !/^[0-9a-f]{64}$/.test(k)) fail(`secret.imported[${i}] must be 32-byte hex`);
    return hexToBytes(k);
  });
  if (!hd && imported.length === 0) fail('secret holds no keys');
  return { hd, imported };
}
