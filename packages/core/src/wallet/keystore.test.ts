import { describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes } from '../encoding/bytes.js';
import { KeystoreError, WRONG_PASSWORD_MESSAGE } from './errors.js';
import {
  DEFAULT_SCRYPT,
  MIN_SCRYPT_N,
  decryptKeystore,
  encryptKeystore,
  parseKeystore,
  serializeKeystore,
  withKeystoreMeta,
} from './keystore.js';
import type { KeystoreFile, KeystoreMeta, KeystoreSecret } from './keystore-types.js';

// Tests use the lowest accepted scrypt cost; the default is checked separately.
const FAST = { scrypt: { n: MIN_SCRYPT_N } };
const PASSWORD = 'correct horse battery staple';
const MNEMONIC = 'legal winner thank year wave sausage worth useful legal winner thank yellow';
const KEY = hexToBytes('4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318');

const secret: KeystoreSecret = { hd: { mnemonic: MNEMONIC, passphrase: 'extra words' }, imported: [KEY] };
const meta: KeystoreMeta = {
  accounts: [{ account: 0, name: 'Default', nextIndex: 1 }],
  addresses: [{ kind: 'hd', address: '0x0000000000000000000000000000000000000001', label: 'rent', account: 0, index: 0 }],
};

function flipHex(hex: string, byteIndex: number): string {
  const b = hexToBytes(hex);
  const i = byteIndex < 0 ? b.length + byteIndex : byteIndex;
  b[i] = b[i]! ^ 0x01;
  return bytesToHex(b);
}

async function expectWrongPassword(p: Promise<unknown>): Promise<void> {
  await expect(p).rejects.toThrow(KeystoreError);
  await expect(p).rejects.toThrow(WRONG_PASSWORD_MESSAGE);
}

describe('keystore', () => {
  it('round-trips a mnemonic, passphrase, imported keys and metadata', async () => {
    const file = await encryptKeystore(secret, PASSWORD, meta, FAST);
    const text = serializeKeystore(file);
    const out = await decryptKeystore(text, PASSWORD);
    expect(out.secret.hd).toEqual(secret.hd);
    expect(out.secret.imported.map((k) => bytesToHex(k))).toEqual([bytesToHex(KEY)]);
    expect(out.meta).toEqual(meta);
  });

  it('round-trips a raw-key-only secret', async () => {
    const file = await encryptKeystore({ hd: null, imported: [KEY] }, PASSWORD, undefined, FAST);
    const out = await decryptKeystore(file, PASSWORD);
    expect(out.secret.hd).toBeNull();
    expect(bytesToHex(out.secret.imported[0]!)).toBe(bytesToHex(KEY));
  });

  it('keeps secrets out of the clear text and uses fresh salt and IV', async () => {
    const a = await encryptKeystore(secret, PASSWORD, meta, FAST);
    const b = await encryptKeystore(secret, PASSWORD, meta, FAST);
    const text = serializeKeystore(a);
    expect(text).not.toContain('legal');
    expect(text).not.toContain(bytesToHex(KEY));
    expect(a.kdf.salt).not.toBe(b.kdf.salt);
    expect(a.cipher.iv).not.toBe(b.cipher.iv);
    expect(a.ciphertext).not.toBe(b.ciphertext);
    expect(hexToBytes(a.kdf.salt)).toHaveLength(32);
    expect(hexToBytes(a.cipher.iv)).toHaveLength(12);
  });

  it('defaults to scrypt N=2^15, r=8, p=1', async () => {
    expect(DEFAULT_SCRYPT).toEqual({ n: 32768, r: 8, p: 1 });
    const file = await encryptKeystore({ hd: null, imported: [KEY] }, PASSWORD);
    expect(file.kdf).toMatchObject({ name: 'scrypt', n: 32768, r: 8, p: 1, dkLen: 32 });
    expect(file.cipher.name).toBe('aes-256-gcm');
  });

  it('rejects a wrong password with one clear error', async () => {
    const file = await encryptKeystore(secret, PASSWORD, meta, FAST);
    await expectWrongPassword(decryptKeystore(file, 'correct horse battery stapler'));
  });

  describe('tampering', () => {
    const cases: Array<[string, (f: KeystoreFile) => KeystoreFile]> = [
      ['ciphertext', (f) => ({ ...f, ciphertext: flipHex(f.ciphertext, 0) })],
      ['tag', (f) => ({ ...f, ciphertext: flipHex(f.ciphertext, -1) })],
      ['truncated tag', (f) => ({ ...f, ciphertext: f.ciphertext.slice(0, -2) })],
      ['salt', (f) => ({ ...f, kdf: { ...f.kdf, salt: flipHex(f.kdf.salt, 5) } })],
      ['iv', (f) => ({ ...f, cipher: { ...f.cipher, iv: flipHex(f.cipher.iv, 0) } })],
      ['scrypt n', (f) => ({ ...f, kdf: { ...f.kdf, n: f.kdf.n * 2 } })],
      ['scrypt r', (f) => ({ ...f, kdf: { ...f.kdf, r: f.kdf.r - 1 } })],
    ];
    for (const [name, tamper] of cases) {
      it(`detects a modified ${name}`, async () => {
        const file = await encryptKeystore(secret, PASSWORD, meta, FAST);
        await expectWrongPassword(decryptKeystore(tamper(file), PASSWORD));
      });
    }
  });

  describe('malformed files', () => {
    const bad: Array<[string, (f: KeystoreFile) => unknown]> = [
      ['not an object', () => 42],
      ['wrong format', (f) => ({ ...f, format: 'geth' })],
      ['future version', (f) => ({ ...f, version: 2 })],
      ['unknown kdf', (f) => ({ ...f, kdf: { ...f.kdf, name: 'pbkdf2' } })],
      ['unknown cipher', (f) => ({ ...f, cipher: { ...f.cipher, name: 'aes-128-ctr' } })],
      ['short iv', (f) => ({ ...f, cipher: { ...f.cipher, iv: 'abcd' } })],
      ['non-hex ciphertext', (f) => ({ ...f, ciphertext: 'zz' + f.ciphertext.slice(2) })],
      ['missing meta', (f) => ({ ...f, meta: undefined })],
      ['bad meta address', (f) => ({ ...f, meta: { accounts: [], addresses: [{ kind: 'imported', address: '0x12', label: '' }] } })],
      ['string n', (f) => ({ ...f, kdf: { ...f.kdf, n: '1024' } })],
    ];
    for (const [name, mangle] of bad) {
      it(`rejects ${name}`, async () => {
        const file = await encryptKeystore(secret, PASSWORD, meta, FAST);
        await expect(decryptKeystore(mangle(file), PASSWORD)).rejects.toThrow(/^malformed keystore/);
      });
    }

    it('rejects text that is not JSON', async () => {
      await expect(decryptKeystore('{"format":', PASSWORD)).rejects.toThrow('malformed keystore: not valid JSON');
      expect(() => parseKeystore('')).toThrow(KeystoreError);
    });

    it('refuses scrypt costs that would exhaust memory before running them', async () => {
      const file = await encryptKeystore(secret, PASSWORD, meta, FAST);
      const started = Date.now();
      await expect(decryptKeystore({ ...file, kdf: { ...file.kdf, n: 2 ** 24 } }, PASSWORD)).rejects.toThrow(/memory/);
      await expect(decryptKeystore({ ...file, kdf: { ...file.kdf, n: 1000 } }, PASSWORD)).rejects.toThrow(/power of two/);
      expect(Date.now() - started).toBeLessThan(1000);
    });
  });

  it('refuses to encrypt with an empty password, a weak cost or no keys', async () => {
    await expect(encryptKeystore(secret, '', meta, FAST)).rejects.toThrow(KeystoreError);
    await expect(encryptKeystore(secret, PASSWORD, meta, { scrypt: { n: 256 } })).rejects.toThrow(KeystoreError);
    await expect(encryptKeystore({ hd: null, imported: [] }, PASSWORD, meta, FAST)).rejects.toThrow(/no keys/);
  });

  it('replaces metadata without the password and without touching the ciphertext', async () => {
    const file = await encryptKeystore(secret, PASSWORD, meta, FAST);
    const relabelled = { ...meta, addresses: [{ ...meta.addresses[0]!, label: 'savings' }] };
    const updated = withKeystoreMeta(file, relabelled);
    expect(updated.ciphertext).toBe(file.ciphertext);
    expect((await decryptKeystore(updated, PASSWORD)).meta.addresses[0]!.label).toBe('savings');
  });

  it('normalises the password (NFKC) so composed and decomposed forms unlock alike', async () => {
    const file = await encryptKeystore(secret, 'caf\u00e9', meta, FAST);
    await expect(decryptKeystore(file, 'cafe\u0301')).resolves.toBeTruthy();
  });
});
