import { chmodSync, closeSync, existsSync, linkSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
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

/**
 * The text each keystore had when this process read it. A command reads, asks for a password,
 * derives, then writes: another command finishing in between (an import racing `address new`)
 * would otherwise be overwritten and its key lost, so the write refuses when the file changed.
 */
const readTexts = new Map<string, string>();

/** The keystore file, shape-checked but still locked. */
export function readKeystore(dataDir: string, name: string): KeystoreFile {
  const path = walletPath(dataDir, name);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
    readTexts.set(path, text);
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
 * leaves a half-written keystore (and with it a lost wallet). Under the
 * wallet's lock, a replaced keystore must still be the one this process read.
 */
export function writeKeystore(dataDir: string, name: string, file: KeystoreFile, opts: { create: boolean }): string {
  const dir = walletsDir(dataDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = walletPath(dataDir, name);
  const exists = `wallet "${name}" already exists (${path}); pick another --wallet name`;
  withFileLock(path, () => {
    if (opts.create) {
      try {
        writePrivateFile(path, serializeKeystore(file), true);
      } catch (e) {
        if (existsSync(path)) throw new CliError(exists, EXIT.usage);
        throw e;
      }
      return;
    }
    const read = readTexts.get(path);
    let now: string | undefined;
    try {
      now = readFileSync(path, 'utf8');
    } catch {
      now = undefined;
    }
    if (now !== read) {
      throw new CliError(`wallet "${name}" (${path}) was changed by another command since it was read: nothing was written; run this command again`, EXIT.error);
    }
    writePrivateFile(path, serializeKeystore(file));
  });
  readTexts.delete(path);
  return path;
}

/** A lock older than this was left by a process that died or hung; no CLI write takes a second. */
const STALE_LOCK_MS = 30_000;
const LOCK_RETRY_MS = 50;
const LOCK_WAIT_MS = 5_000;

function lockHolderAlive(lock: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(lock, 'utf8').trim());
    if (Date.now() - statSync(lock).mtimeMs > STALE_LOCK_MS) return false;
  } catch {
    // Gone already, or being written this instant: treat as held and look again.
    return true;
  }
  if (!Number.isSafeInteger(pid) || pid <= 0) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: alive, another user's.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Runs `fn` holding `<path>.lock`, created with O_EXCL so two CLI processes never both hold it. A
 * lock whose process is gone (or that is older than STALE_LOCK_MS) is taken over.
 */
export function withFileLock<T>(path: string, fn: () => T): T {
  const lock = `${path}.lock`;
  const deadline = Date.now() + LOCK_WAIT_MS;
  let fd: number | undefined;
  while (fd === undefined) {
    try {
      fd = openSync(lock, 'wx', 0o600);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new CliError(`cannot lock ${path}: ${(e as Error).message}`, EXIT.error);
      if (!lockHolderAlive(lock)) {
        rmSync(lock, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new CliError(`${path} is locked by another hackcoin command (${lock}); try again once it finished`, EXIT.error);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, LOCK_RETRY_MS);
    }
  }
  try {
    writeSync(fd, `${process.pid}\n`);
    closeSync(fd);
    return fn();
  } finally {
    rmSync(lock, { force: true });
  }
}

/**
 * A file only the owner can read, written atomically; `exclusive` refuses to replace an existing
 * file. The exclusive case links the temporary file into place, which fails with EEXIST if the
 * name was taken meanwhile, where a check before a rename would let a racing writer be replaced.
 */
export function writePrivateFile(path: string, text: string, exclusive = false): void {
  const taken = `${path} already exists; not overwriting it`;
  if (exclusive && existsSync(path)) throw new CliError(taken, EXIT.usage);
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    writeFileSync(tmp, text, { mode: 0o600, flag: 'wx' });
    // mode on open is filtered by the umask; chmod makes 0600 exact.
    chmodSync(tmp, 0o600);
    if (exclusive) linkSync(tmp, path);
    else renameSync(tmp, path);
  } catch (e) {
    if (exclusive && (e as NodeJS.ErrnoException).code === 'EEXIST') throw new CliError(taken, EXIT.usage);
    throw new CliError(`cannot write ${path}: ${(e as Error).message}`, EXIT.error);
  } finally {
    rmSync(tmp, { force: true });
  }
}
