import { describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes } from '../encoding/bytes.js';
import { deriveKey, keyInfoFromPrivateKey } from './derivation.js';
import { KeystoreError, WalletError } from './errors.js';
import { MIN_SCRYPT_N, decryptKeystore, encryptKeystore } from './keystore.js';
import { mnemonicToSeed } from './mnemonic.js';
import { Wallet } from './wallet.js';

const FAST = { scrypt: { n: MIN_SCRYPT_N } };
const MNEMONIC = 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';
const RAW = hexToBytes('4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318');

describe('Wallet', () => {
  it('derives consecutive labelled addresses on the HackCoin path', async () => {
    const w = await Wallet.fromMnemonic(MNEMONIC);
    expect(w.isHd).toBe(true);
    expect(w.accounts()).toEqual([{ account: 0, name: 'Default', nextIndex: 0 }]);
    const a0 = w.newAddress('rent');
    const a1 = w.newAddress();
    expect(a0).toMatchObject({ address: '0xBA046D37298cC337Aa0536557c9f3C5B8F1DB865', label: 'rent', kind: 'hd', index: 0 });
    expect(a1.path).toBe("m/44'/18499'/0'/0/1");
    expect(w.accounts()[0]!.nextIndex).toBe(2);
    expect(w.list().map((a) => a.address)).toEqual([a0.address, a1.address]);
  });

  it('keeps accounts apart', async () => {
    const w = await Wallet.fromMnemonic(MNEMONIC);
    const acc = w.addAccount('savings');
    expect(acc).toEqual({ account: 1, name: 'savings', nextIndex: 0 });
    const a = w.newAddress('', 1);
    expect(a.path).toBe("m/44'/18499'/1'/0/0");
    expect(w.list(1)).toHaveLength(1);
    expect(w.list(0)).toHaveLength(0);
    expect(() => w.newAddress('', 5)).toThrow(WalletError);
  });

  it('keyFor returns the key that controls the address, whatever the address case', async () => {
    const w = await Wallet.fromMnemonic(MNEMONIC);
    const a = w.newAddress();
    const seed = await mnemonicToSeed(MNEMONIC);
    const expected = deriveKey(seed, 0, 0).privateKey;
    expect(bytesToHex(w.keyFor(a.address))).toBe(bytesToHex(expected));
    expect(bytesToHex(w.keyFor(a.address.toLowerCase()))).toBe(bytesToHex(expected));
    expect(keyInfoFromPrivateKey(w.keyFor(a.address)).addressText).toBe(a.address);
    expect(() => w.keyFor('0x0000000000000000000000000000000000000001')).toThrow(WalletError);
    expect(w.has('not an address')).toBe(false);
  });

  it('imports a raw private key and refuses duplicates', async () => {
    const w = await Wallet.fromMnemonic(MNEMONIC);
    const imp = w.importPrivateKey(RAW, 'paper wallet');
    expect(imp).toMatchObject({ kind: 'imported', label: 'paper wallet', account: null, path: null });
    expect(bytesToHex(w.keyFor(imp.address))).toBe(bytesToHex(RAW));
    expect(() => w.importPrivateKey(RAW)).toThrow(WalletError);
    expect(() => w.importPrivateKey(new Uint8Array(32))).toThrow(WalletError);
  });

  it('a raw-key wallet holds keys but cannot derive', async () => {
    const w = await Wallet.fromPrivateKey(RAW, 'cold');
    expect(w.isHd).toBe(false);
    expect(w.list()).toEqual([expect.objectContaining({ label: 'cold', kind: 'imported' })]);
    expect(() => w.newAddress()).toThrow(WalletError);
    expect(() => w.addAccount()).toThrow(WalletError);
  });

  it('round-trips through an encrypted keystore with labels, accounts and imports', async () => {
    const w = await Wallet.fromMnemonic(MNEMONIC, 'pass');
    w.newAddress('a');
    w.newAddress('b');
    w.addAccount('second');
    w.newAddress('c', 1);
    w.importPrivateKey(RAW, 'imported');
    w.setLabel(w.list()[0]!.address, 'A');
    const file = await w.toKeystore('pw', FAST);

    const back = await Wallet.unlock(JSON.stringify(file), 'pw');
    expect(back.list()).toEqual(w.list());
    expect(back.accounts()).toEqual(w.accounts());
    expect(back.newAddress().index).toBe(2);
    for (const a of w.list()) expect(bytesToHex(back.keyFor(a.address))).toBe(bytesToHex(w.keyFor(a.address)));
    await expect(Wallet.unlock(file, 'PW')).rejects.toThrow(KeystoreError);
  });

  it('writes label changes back without the password, but not new keys', async () => {
    const w = await Wallet.fromMnemonic(MNEMONIC);
    w.newAddress('old');
    const file = await w.toKeystore('pw', FAST);
    w.setLabel(w.list()[0]!.address, 'new');
    w.newAddress('second');
    const updated = w.updateKeystore(file);
    expect(updated.ciphertext).toBe(file.ciphertext);
    const back = await Wallet.unlock(updated, 'pw');
    expect(back.list().map((a) => a.label)).toEqual(['new', 'second']);

    w.importPrivateKey(RAW);
    expect(() => w.updateKeystore(file)).toThrow(WalletError);
  });

  it('refuses metadata whose addresses do not match the keys (swapped receive address)', async () => {
    const w = await Wallet.fromMnemonic(MNEMONIC);
    w.newAddress();
    const file = await w.toKeystore('pw', FAST);
    const attacker = keyInfoFromPrivateKey(RAW).addressText;
    const forged = { ...file, meta: { ...file.meta, addresses: [{ ...file.meta.addresses[0]!, address: attacker }] } };
    await expect(Wallet.unlock(forged, 'pw')).rejects.toThrow(/does not match/);
  });

  it('recovers imported keys whose metadata was lost', async () => {
    const file = await encryptKeystore({ hd: null, imported: [RAW] }, 'pw', undefined, FAST);
    const w = await Wallet.unlock(file, 'pw');
    expect(w.list()).toHaveLength(1);
    const { secret } = await decryptKeystore(file, 'pw');
    expect(w.secret().imported.map((k) => bytesToHex(k))).toEqual(secret.imported.map((k) => bytesToHex(k)));
  });

  it('an imported key later reached by the seed becomes an HD address', async () => {
    const seed = await mnemonicToSeed(MNEMONIC);
    const first = deriveKey(seed, 0, 0);
    const w = await Wallet.fromMnemonic(MNEMONIC);
    w.importPrivateKey(first.privateKey, 'exported once');
    const a = w.newAddress();
    expect(a).toMatchObject({ kind: 'hd', index: 0, label: 'exported once' });
    expect(w.list()).toHaveLength(1);
    expect(w.secret().imported).toHaveLength(0);
  });

  it('wipe() zeroes keys and disables signing', async () => {
    const w = await Wallet.fromMnemonic(MNEMONIC);
    const a = w.newAddress();
    w.wipe();
    expect(() => w.keyFor(a.address)).toThrow(WalletError);
    expect(() => w.newAddress()).toThrow(WalletError);
  });

  it('rejects over-long labels', async () => {
    const w = await Wallet.fromMnemonic(MNEMONIC);
    expect(() => w.newAddress('x'.repeat(129))).toThrow(WalletError);
  });
});
