import type { HDKey } from '@scure/bip32';
import { bytesToHex, equalBytes } from '../encoding/bytes.js';
import { formatAddress, parseAddress } from '../primitives/address.js';
import {
  accountChain,
  deriveFromChain,
  derivationPath,
  keyInfoFromPrivateKey,
  masterKeyFromSeed,
  type KeyInfo,
} from './derivation.js';
import { KeystoreError, WalletError } from './errors.js';
import { decryptKeystore, encryptKeystore, withKeystoreMeta, type EncryptOptions } from './keystore.js';
import {
  MAX_LABEL_LENGTH,
  emptyMeta,
  type AccountMeta,
  type AddressMeta,
  type HdSecret,
  type KeystoreFile,
  type KeystoreMeta,
  type KeystoreSecret,
} from './keystore-types.js';
import { mnemonicToSeed, normalizeMnemonic } from './mnemonic.js';

export interface WalletAddress {
  /** EIP-55 text form. */
  address: string;
  label: string;
  kind: 'hd' | 'imported';
  /** BIP44 account, index and path; null for imported keys. */
  account: number | null;
  index: number | null;
  path: string | null;
}

export type WalletAccount = AccountMeta;

interface Entry {
  meta: AddressMeta;
  key: KeyInfo;
}

/** Map key for an address: lowercase hex, so checksummed and plain forms meet. */
function addrKey(address: string | Uint8Array): string {
  return bytesToHex(typeof address === 'string' ? parseAddress(address) : address);
}

function checkLabel(label: string): string {
  if (typeof label !== 'string' || label.length > MAX_LABEL_LENGTH) {
    throw new WalletError(`a label is a string of at most ${MAX_LABEL_LENGTH} characters`);
  }
  return label;
}

function view(e: Entry): WalletAddress {
  const m = e.meta;
  return m.kind === 'hd'
    ? { address: m.address, label: m.label, kind: 'hd', account: m.account, index: m.index, path: derivationPath(m.account, m.index) }
    : { address: m.address, label: m.label, kind: 'imported', account: null, index: null, path: null };
}

/**
 * An unlocked wallet: an optional BIP39 seed (HD addresses on the HackCoin
 * path) plus individually imported keys, with labels and per-account
 * next-index counters as clear metadata.
 */
export class Wallet {
  private readonly entries = new Map<string, Entry>();
  private readonly accountList = new Map<number, AccountMeta>();
  private readonly chains = new Map<number, HDKey>();
  private imported: Uint8Array[] = [];
  /** Set when the encrypted part changed, so a meta-only keystore update would lose keys. */
  private secretChanged = false;
  private wiped = false;

  private constructor(
    private readonly hd: HdSecret | null,
    private readonly root: HDKey | null,
  ) {}

  /** Opens an HD wallet. An empty wallet gets account 0 and no addresses yet. */
  static async fromMnemonic(mnemonic: string, passphrase = '', meta: KeystoreMeta = emptyMeta()): Promise<Wallet> {
    return Wallet.fromSecret({ hd: { mnemonic, passphrase }, imported: [] }, meta);
  }

  /** A wallet holding one raw private key and no seed. */
  static async fromPrivateKey(privateKey: Uint8Array, label = ''): Promise<Wallet> {
    const w = await Wallet.fromSecret({ hd: null, imported: [privateKey] });
    const only = w.list()[0]!;
    w.setLabel(only.address, label);
    return w;
  }

  /**
   * Rebuilds a wallet from a decrypted secret and its clear metadata. The
   * metadata is not authenticated, so every listed address is re-derived and
   * a mismatch (an attacker swapping in their own receive address) is refused.
   */
  static async fromSecret(secret: KeystoreSecret, meta: KeystoreMeta = emptyMeta()): Promise<Wallet> {
    let hd: HdSecret | null = null;
    let root: HDKey | null = null;
    if (secret.hd) {
      hd = { mnemonic: normalizeMnemonic(secret.hd.mnemonic), passphrase: secret.hd.passphrase };
      root = masterKeyFromSeed(await mnemonicToSeed(hd.mnemonic, hd.passphrase));
    }
    const w = new Wallet(hd, root);
    w.restore(secret.imported, meta);
    return w;
  }

  /** Decrypts a keystore (JSON text or object) and opens the wallet it holds. */
  static async unlock(keystore: string | unknown, password: string): Promise<Wallet> {
    const { secret, meta } = await decryptKeystore(keystore, password);
    return Wallet.fromSecret(secret, meta);
  }

  private restore(importedKeys: Uint8Array[], meta: KeystoreMeta): void {
    const importedByAddr = new Map<string, KeyInfo>();
    for (const k of importedKeys) {
      const info = keyInfoFromPrivateKey(k);
      const key = bytesToHex(info.address);
      if (importedByAddr.has(key)) continue;
      importedByAddr.set(key, info);
      this.imported.push(info.privateKey);
    }
    for (const a of meta.accounts) this.accountList.set(a.account, { ...a });
    if (this.root && this.accountList.size === 0) this.accountList.set(0, { account: 0, name: 'Default', nextIndex: 0 });
    for (const m of meta.addresses) {
      const key = addrKey(m.address);
      let info: KeyInfo | undefined;
      if (m.kind === 'hd') {
        if (!this.root) throw new KeystoreError('keystore lists HD addresses but holds no seed');
        info = deriveFromChain(this.chain(m.account), m.account, m.index);
        const acc = this.accountList.get(m.account) ?? { account: m.account, name: `Account ${m.account}`, nextIndex: 0 };
        acc.nextIndex = Math.max(acc.nextIndex, m.index + 1);
        this.accountList.set(m.account, acc);
      } else {
        info = importedByAddr.get(key);
      }
      if (!info || bytesToHex(info.address) !== key) {
        throw new KeystoreError('keystore metadata does not match its keys (were addresses altered?)');
      }
      this.entries.set(key, { meta: { ...m, address: info.addressText }, key: info });
    }
    // Keys whose metadata was lost still belong to the wallet.
    for (const [key, info] of importedByAddr) {
      if (!this.entries.has(key)) {
        this.entries.set(key, { meta: { kind: 'imported', address: info.addressText, label: '' }, key: info });
      }
    }
  }

  private alive(): void {
    if (this.wiped) throw new WalletError('wallet has been wiped');
  }

  private chain(account: number): HDKey {
    if (!this.root) throw new WalletError('this wallet has no seed; it can only hold imported keys');
    let c = this.chains.get(account);
    if (!c) {
      c = accountChain(this.root, account);
      this.chains.set(account, c);
    }
    return c;
  }

  private entry(address: string | Uint8Array): Entry {
    const e = this.entries.get(addrKey(address));
    if (!e) throw new WalletError(`address ${typeof address === 'string' ? address : formatAddress(address)} is not in this wallet`);
    return e;
  }

  get isHd(): boolean {
    return this.root !== null;
  }

  accounts(): WalletAccount[] {
    return [...this.accountList.values()].map((a) => ({ ...a })).sort((x, y) => x.account - y.account);
  }

  /** Adds the next unused account number. */
  addAccount(name = ''): WalletAccount {
    this.alive();
    if (!this.root) throw new WalletError('this wallet has no seed; it can only hold imported keys');
    const account = this.accountList.size === 0 ? 0 : Math.max(...this.accountList.keys()) + 1;
    const acc = { account, name: checkLabel(name) || `Account ${account}`, nextIndex: 0 };
    this.accountList.set(account, acc);
    return { ...acc };
  }

  renameAccount(account: number, name: string): void {
    const acc = this.accountList.get(account);
    if (!acc) throw new WalletError(`no account ${account}`);
    acc.name = checkLabel(name);
  }

  /** Derives the account's next receive address. */
  newAddress(label = '', account = 0): WalletAddress {
    this.alive();
    checkLabel(label);
    const acc = this.accountList.get(account);
    if (!acc) throw new WalletError(`no account ${account}: call addAccount() first`);
    const info = deriveFromChain(this.chain(account), account, acc.nextIndex);
    const key = bytesToHex(info.address);
    const previous = this.entries.get(key);
    if (previous) {
      // The key was imported earlier (e.g. exported from this seed): the seed covers it now.
      this.imported = this.imported.filter((k) => !equalBytes(k, info.privateKey));
      this.secretChanged = true;
      this.entries.delete(key);
      label ||= previous.meta.label;
    }
    const meta: AddressMeta = { kind: 'hd', address: info.addressText, label, account, index: acc.nextIndex };
    acc.nextIndex += 1;
    const e = { meta, key: info };
    this.entries.set(key, e);
    return view(e);
  }

  /** Adds one raw private key; it is kept in the encrypted part of the keystore. */
  importPrivateKey(privateKey: Uint8Array, label = ''): WalletAddress {
    this.alive();
    checkLabel(label);
    const info = keyInfoFromPrivateKey(privateKey);
    const key = bytesToHex(info.address);
    if (this.entries.has(key)) throw new WalletError(`address ${info.addressText} is already in this wallet`);
    this.imported.push(info.privateKey);
    this.secretChanged = true;
    const e: Entry = { meta: { kind: 'imported', address: info.addressText, label }, key: info };
    this.entries.set(key, e);
    return view(e);
  }

  setLabel(address: string | Uint8Array, label: string): void {
    this.entry(address).meta.label = checkLabel(label);
  }

  /** All addresses in creation order, optionally only one account's HD addresses. */
  list(account?: number): WalletAddress[] {
    const all = [...this.entries.values()].map(view);
    return account === undefined ? all : all.filter((a) => a.account === account);
  }

  has(address: string | Uint8Array): boolean {
    try {
      return this.entries.has(addrKey(address));
    } catch {
      return false;
    }
  }

  get(address: string | Uint8Array): WalletAddress {
    return view(this.entry(address));
  }

  /** A copy of the signing key for an address (the caller may wipe it after use). */
  keyFor(address: string | Uint8Array): Uint8Array {
    this.alive();
    return this.entry(address).key.privateKey.slice();
  }

  publicKeyFor(address: string | Uint8Array): Uint8Array {
    return this.entry(address).key.publicKey.slice();
  }

  /** The secret to encrypt. Holds the mnemonic: handle with care. */
  secret(): KeystoreSecret {
    this.alive();
    return { hd: this.hd ? { ...this.hd } : null, imported: this.imported.map((k) => k.slice()) };
  }

  meta(): KeystoreMeta {
    return {
      accounts: this.accounts(),
      addresses: [...this.entries.values()].map((e) => ({ ...e.meta })),
    };
  }

  /** Encrypts the whole wallet into a new keystore (fresh salt and IV). */
  async toKeystore(password: string, options?: EncryptOptions): Promise<KeystoreFile> {
    const file = await encryptKeystore(this.secret(), password, this.meta(), options);
    this.secretChanged = false;
    return file;
  }

  /**
   * Writes labels, accounts and next indices back into an existing keystore
   * without the password. Refused after an import: the new key is not in the
   * old ciphertext, so toKeystore(password) is needed instead.
   */
  updateKeystore(file: KeystoreFile): KeystoreFile {
    if (this.secretChanged) throw new WalletError('keys were imported or merged: re-encrypt with toKeystore(password)');
    return withKeystoreMeta(file, this.meta());
  }

  /** Best-effort erase of key bytes held by this object (JS strings such as the mnemonic cannot be wiped). */
  wipe(): void {
    for (const e of this.entries.values()) e.key.privateKey.fill(0);
    for (const k of this.imported) k.fill(0);
    this.root?.wipePrivateData();
    for (const c of this.chains.values()) c.wipePrivateData();
    this.chains.clear();
    this.wiped = true;
  }
}
