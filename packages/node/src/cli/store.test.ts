import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MIN_SCRYPT_N, Wallet, serializeKeystore, type KeystoreFile } from '@hackcoin/core';
import { CliError } from './errors.js';
import { readKeystore, walletPath, writeKeystore, writePrivateFile } from './store.js';

const MNEMONIC = 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';

/** A pid no process has: the kernel's pid_max is at most 2^22. */
const DEAD_PID = 2 ** 22 + 1;

describe('keystore writes', () => {
  const dirs: string[] = [];
  let file: KeystoreFile;
  beforeAll(async () => {
    file = await (await Wallet.fromMnemonic(MNEMONIC)).toKeystore('pw', { scrypt: { n: MIN_SCRYPT_N } });
  });
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const dataDir = () => {
    const d = mkdtempSync(join(tmpdir(), 'hackcoin-store-'));
    dirs.push(d);
    return d;
  };
  /** Another valid keystore text: a different IV stands in for a re-encryption. */
  const variant = (f: KeystoreFile, byte: string): KeystoreFile => ({ ...f, cipher: { ...f.cipher, iv: byte.repeat(12) } });

  it('refuses to replace a keystore another command changed since this one read it, keeping the other change', () => {
    const dir = dataDir();
    writeKeystore(dir, 'w', file, { create: true });
    const read = readKeystore(dir, 'w');
    // Another process (an import) writes meanwhile.
    const theirs = serializeKeystore(variant(file, 'aa'));
    writeFileSync(walletPath(dir, 'w'), theirs);
    expect(() => writeKeystore(dir, 'w', variant(read, 'bb'), { create: false })).toThrow(/was changed by another command since it was read: nothing was written/);
    expect(readFileSync(walletPath(dir, 'w'), 'utf8')).toBe(theirs);
    expect(existsSync(`${walletPath(dir, 'w')}.lock`)).toBe(false);
  });

  it('replaces a keystore unchanged since it was read, 0600, and takes over a lock its dead holder left', () => {
    const dir = dataDir();
    writeKeystore(dir, 'w', file, { create: true });
    const read = readKeystore(dir, 'w');
    writeFileSync(`${walletPath(dir, 'w')}.lock`, `${DEAD_PID}\n`);
    writeKeystore(dir, 'w', variant(read, 'cc'), { create: false });
    expect(readFileSync(walletPath(dir, 'w'), 'utf8')).toBe(serializeKeystore(variant(read, 'cc')));
    expect(statSync(walletPath(dir, 'w')).mode & 0o777).toBe(0o600);
    expect(existsSync(`${walletPath(dir, 'w')}.lock`)).toBe(false);
  });

  it('waits for a live lock holder and gives up naming the lock', () => {
    const dir = dataDir();
    writeKeystore(dir, 'w', file, { create: true });
    const read = readKeystore(dir, 'w');
    const before = readFileSync(walletPath(dir, 'w'), 'utf8');
    writeFileSync(`${walletPath(dir, 'w')}.lock`, `${process.pid}\n`);
    expect(() => writeKeystore(dir, 'w', variant(read, 'cc'), { create: false })).toThrow(/is locked by another hackcoin command/);
    expect(readFileSync(walletPath(dir, 'w'), 'utf8')).toBe(before);
  }, 15_000);

  it('an exclusive write refuses an existing file, and a wallet create an existing wallet', () => {
    const dir = dataDir();
    const path = join(dir, 'out.json');
    writeFileSync(path, 'theirs');
    expect(() => writePrivateFile(path, 'ours', true)).toThrow(CliError);
    expect(readFileSync(path, 'utf8')).toBe('theirs');
    expect(() => writeKeystore(dir, 'w', file, { create: true })).not.toThrow();
    expect(() => writeKeystore(dir, 'w', file, { create: true })).toThrow(/already exists/);
  });
});
