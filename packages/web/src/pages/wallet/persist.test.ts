import { afterEach, describe, expect, it, vi } from 'vitest';
import { serializeKeystore, Wallet } from '@hackcoin/core';
import { encryptWallet, WEB_SCRYPT } from './persist';

// Counts scrypt runs (core imports scryptAsync from here) while still deriving for real.
const scrypt = vi.hoisted(() => ({ calls: [] as { N: number; r: number; p: number }[] }));
vi.mock('@noble/hashes/scrypt.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('@noble/hashes/scrypt.js')>();
  return {
    ...real,
    scryptAsync: (...args: Parameters<typeof real.scryptAsync>) => {
      scrypt.calls.push({ N: args[2].N, r: args[2].r, p: args[2].p ?? 1 });
      return real.scryptAsync(...args);
    },
  };
});

const MNEMONIC = 'legal winner thank year wave sausage worth useful legal winner thank yellow';
const PASSWORD = 'correct horse battery staple';

async function hdWallet(): Promise<Wallet> {
  const w = await Wallet.fromMnemonic(MNEMONIC);
  w.newAddress('Main');
  return w;
}

/** A keystore as this app wrote it before N was raised: core's encryption at N = 2^15, r = 8, p = 1. */
async function oldRecord(): Promise<string> {
  return serializeKeystore(await (await hdWallet()).toKeystore(PASSWORD, { scrypt: { n: 2 ** 15, r: 8, p: 1 } }));
}

describe('web keystore scrypt cost', () => {
  afterEach(() => {
    scrypt.calls.length = 0;
  });

  it('writes new keystores at N = 2^17, r = 8, p = 1, and opens them again', async () => {
    expect(WEB_SCRYPT).toEqual({ n: 131072, r: 8, p: 1 });
    const wallet = await hdWallet();
    const text = await encryptWallet(wallet, PASSWORD);
    expect(JSON.parse(text).kdf).toMatchObject({ name: 'scrypt', n: 2 ** 17, r: 8, p: 1, dkLen: 32 });
    const opened = await Wallet.unlock(text, PASSWORD);
    expect(opened.list().map((a) => a.address)).toEqual(wallet.list().map((a) => a.address));
    expect(scrypt.calls).toEqual([
      { N: 2 ** 17, r: 8, p: 1 },
      { N: 2 ** 17, r: 8, p: 1 },
    ]);
  });

  it('still unlocks a keystore written before, at the N = 2^15 it names', async () => {
    const text = await oldRecord();
    expect(JSON.parse(text).kdf).toMatchObject({ n: 2 ** 15, r: 8, p: 1 });
    scrypt.calls.length = 0;
    const opened = await Wallet.unlock(text, PASSWORD);
    expect(opened.list()[0]!.label).toBe('Main');
    expect(scrypt.calls).toEqual([{ N: 2 ** 15, r: 8, p: 1 }]);
  });
});
