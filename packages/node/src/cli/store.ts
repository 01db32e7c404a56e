import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { KeystoreError, Wallet, parseKeystore, serializeKeystore, type KeystoreFile } from '@hackcoin/core';
import { CliError, EXIT } from './errors.js';

export const walletsDir = (dataDir: string): string => join(dataDir, 'wallets');
export const walletPath = (dataDir: string, name: string): string => join(walletsDir(dataDir), `${name}.json`);

export function walletExists(dataDir: string, name: string): boolean {
  return existsSync(walletPath(dataDir, name));
}

export function listWalletNames(dataDir: string): string[] {
  const dir = walletsDir(dataDir);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json') && !f.startsWith('.'))
    .map((f) => f.slice(0, -5))
    .sort();
}

/** The keystore file, shape-checked but still locked. */
export function readKeystore(dataDir: string, name: string): KeystoreFile {
  const path = walletPath(dataDir, name);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new CliError(`no wallet "${name}" in ${walletsDir(dataDir)} (create one with: hackcoin wallet create --wallet ${name})`, EXIT.usage);
    }
    throw new CliError(`cannot read ${path}: ${(e as Error).message}`, EXIT.keystore);
  }
  try {
    return parseKeystore(text);
  } catch (e) {
    throw new CliError(`${path}: ${(e as Error).message}`, EXIT.keystore);
  }
}

export async function unlockWallet(file: KeystoreFile, password: string, name: string): Promise<Wallet> {
  try {
    return await Wallet.unlock(file, password);
  } catch (e) {
    if (e instanceof KeystoreError) throw new CliError(`cannot unlock wallet "${name}": ${e.message}`, EXIT.keystore);
    throw e;
  }
}

/**
 * Writes a keystore with mode 0600 inside a 0700 directory. The write goes
 * to a temporary file that is renamed over the old one, so a crash never
 * leaves a half-written keystore (and with it a lost wallet).
 */
export function writeKeystore(dataDir: string, name: string, file: KeystoreFile, opts: { create: boolean }): string {
  const dir = walletsDir(dataDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = walletPath(dataDir, name);
  if (opts.create && existsSync(path)) throw new CliError(`wallet "${name}" already exists (${path}); pick another --wallet name`, EXIT.usage);
  writePrivateFile(path, serializeKeystore(file));
  return path;
}

/** A file only the owner can read, written atomically; `exclusive` refuses to replace an existing file. */
export function writePrivateFile(path: string, text: string, exclusive = false): void {
  if (exclusive && existsSync(path)) throw new CliError(`${path} already exists; not overwriting it`, EXIT.usage);
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    writeFileSync(tmp, text, { mode: 0o600, flag: 'wx' });
    // mode on open is filtered by the umask; chmod makes 0600 exact.
    chmodSync(tmp, 0o600);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new CliError(`cannot write ${path}: ${(e as Error).message}`, EXIT.error);
  }
}
