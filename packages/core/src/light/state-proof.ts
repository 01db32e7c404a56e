import { BufferReader } from '../encoding/reader.js';
import { BufferWriter } from '../encoding/writer.js';
import { bytesToHex, equalBytes, utf8ToBytes } from '../encoding/bytes.js';
import { rootFromBranch } from '../consensus/merkle.js';
import { HEADER_SIZE, encodeHeader, headerHash, readHeader, type BlockHeader } from '../primitives/header.js';
import { encodeTx, readTx, txHash, type CoinbaseTx } from '../primitives/transaction.js';
import { ProofError, encodeSmtProof, readSmtProof, verifySmtProof, type SmtProof } from '../state/smt.js';
import {
  EMPTY_COMMITTED_ACCOUNT,
  accountPath,
  decodeStateAccount,
  storagePath,
  type CommittedAccount,
} from '../state/state-tree.js';

/**
 * Everything a client needs to check one account (and optionally one
 * contract storage slot) against a header it already trusts: the header,
 * the coinbase that commits the state root, the coinbase's merkle branch to
 * the header's merkle root, the account's path in the state tree and the
 * slot's path in the contract's storage tree.
 */
export interface StateProof {
  header: BlockHeader;
  coinbase: CoinbaseTx;
  branch: Uint8Array[];
  account: SmtProof;
  storage: { key: string; proof: SmtProof } | null;
}

// Core compiles without DOM or Node typings; every runtime it targets has TextDecoder.
declare const TextDecoder: new (label: string, options: { fatal: boolean }) => { decode(bytes: Uint8Array): string };
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A block has at most 10,000 transactions on any network (2^14): a longer branch is not a proof. */
const MAX_BRANCH = 24;
const MAX_KEY_BYTES = 4096;

/**
 * Wire form: header (80) ‖ varBytes(coinbase) ‖ CompactSize n ‖ n × 32-byte
 * branch hashes (bottom up) ‖ account tree proof ‖ u8 has-storage ‖
 * [varBytes(UTF-8 key) ‖ storage tree proof] (tree proofs as in smt.ts).
 */
export function encodeStateProof(p: StateProof): Uint8Array {
  const w = new BufferWriter(1024);
  w.bytes(encodeHeader(p.header)).varBytes(encodeTx(p.coinbase)).varint(p.branch.length);
  for (const h of p.branch) w.fixed(h, 32);
  w.bytes(encodeSmtProof(p.account));
  if (p.storage) w.u8(1).varBytes(utf8ToBytes(p.storage.key)).bytes(encodeSmtProof(p.storage.proof));
  else w.u8(0);
  return w.finish();
}

export function decodeStateProof(bytes: Uint8Array): StateProof {
  try {
    const r = new BufferReader(bytes);
    const header = readHeader(r);
    const cbBytes = r.varBytes(HEADER_SIZE * 8);
    const cr = new BufferReader(cbBytes);
    const coinbase = readTx(cr);
    cr.done();
    if (coinbase.kind !== 'coinbase') throw new ProofError('proof carries a transfer where the coinbase belongs');
    const n = r.varint();
    if (n > MAX_BRANCH) throw new ProofError(`merkle branch of ${n} levels`);
    const branch: Uint8Array[] = [];
    for (let i = 0; i < n; i++) branch.push(r.bytes(32).slice());
    const account = readSmtProof(r);
    const flag = r.u8();
    if (flag > 1) throw new ProofError(`unknown storage flag ${flag}`);
    let storage: StateProof['storage'] = null;
    if (flag === 1) {
      const key = utf8.decode(r.varBytes(MAX_KEY_BYTES));
      storage = { key, proof: readSmtProof(r) };
    }
    r.done();
    return { header, coinbase, branch, account, storage };
  } catch (e) {
    if (e instanceof ProofError) throw e;
    throw new ProofError(`malformed proof: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export interface VerifiedState {
  height: number;
  stateRoot: Uint8Array;
  /** The committed account (all zero when absent). */
  account: CommittedAccount;
  /** The slot's JSON text, null when absent; undefined when no slot was asked for. */
  storageValue?: string | null;
}

/**
 * Checks a proof against a header the caller already verified (its hash and
 * height come from the caller's own header chain, never from the proof) and
 * returns the account, and the slot when `storageKey` is given. Any mismatch
 * throws ProofError: a node that sends one is not telling the truth.
 */
export function verifyStateProof(
  bytes: Uint8Array,
  expect: { blockHash: Uint8Array; height: number; address: Uint8Array; storageKey?: string },
): VerifiedState {
  const p = decodeStateProof(bytes);
  if (!equalBytes(headerHash(p.header), expect.blockHash)) throw new ProofError('proof is for another block');
  if (p.coinbase.height !== expect.height) throw new ProofError(`coinbase says height ${p.coinbase.height}, header is at ${expect.height}`);
  // The branch hashes the leaf on the left at every level: it can only prove position 0, the coinbase's.
  if (!equalBytes(rootFromBranch(txHash(p.coinbase), p.branch), p.header.merkleRoot)) {
    throw new ProofError('coinbase is not in the block (merkle branch)');
  }
  const stateRoot = p.coinbase.stateRoot;
  const raw = verifySmtProof(stateRoot, accountPath(expect.address), p.account);
  let account: CommittedAccount;
  try {
    account = raw ? decodeStateAccount(raw) : { ...EMPTY_COMMITTED_ACCOUNT };
  } catch {
    throw new ProofError('account leaf is not an account');
  }
  if (expect.storageKey === undefined) {
    if (p.storage) throw new ProofError('unexpected storage proof');
    return { height: expect.height, stateRoot, account };
  }
  if (!p.storage || p.storage.key !== expect.storageKey) throw new ProofError('storage proof is for another key');
  const value = verifySmtProof(account.storageRoot, storagePath(expect.storageKey), p.storage.proof);
  let storageValue: string | null = null;
  if (value) {
    try {
      storageValue = utf8.decode(value);
    } catch {
      throw new ProofError('storage value is not UTF-8');
    }
  }
  return { height: expect.height, stateRoot, account, storageValue };
}

/** Hex of a proof, for JSON answers. */
export function stateProofHex(p: StateProof): string {
  return bytesToHex(encodeStateProof(p));
}
