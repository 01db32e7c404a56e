import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import {
  NETWORKS,
  addressFromPublicKey,
  addressKey,
  assembleBlockState,
  bytesToHex,
  computeMerkleRoot,
  hashMeetsTarget,
  headerHash,
  decodeCompact,
  publicKeyFromPrivate,
  transferSigHash,
  txSender,
  type Account,
  type Block,
  type CoinbaseTx,
  type TransferTx,
  type UnsignedTransfer,
  type TrieNodeReader,
} from '@hackcoin/core';
import { Chain } from '../packages/node/src/chain/chain.js';
import { openDatabase, type Database } from '../packages/node/src/store/db.js';
import { loadSignatureBackend } from '../packages/node/src/crypto/native-backend.js';
import { createLogger } from '../packages/node/src/util/logger.js';

export const params = NETWORKS.regtest;
export const signer = loadSignatureBackend();

interface NativeSign {
  ecdsaSign(msg32: Uint8Array, key: Uint8Array): { signature: Uint8Array };
}
const native = createRequire(import.meta.url)('secp256k1/bindings') as NativeSign;

/** Signs with libsecp256k1 (low-S, RFC 6979) so building bench blocks does not dominate the run. */
export function fastSign(tx: UnsignedTransfer, key: Uint8Array, pub: Uint8Array): TransferTx {
  const { signature } = native.ecdsaSign(transferSigHash(tx), key);
  return { ...tx, publicKey: pub, signature: Uint8Array.from(signature) };
}

export interface BenchChain {
  chain: Chain;
  db: Database;
  dir: string;
  close(): Promise<void>;
}

export async function openBenchChain(): Promise<BenchChain> {
  const dir = mkdtempSync(join(tmpdir(), 'hackcoin-bench-'));
  const db = await openDatabase(dir);
  const chain = await Chain.open({ db, params, backend: signer.backend, log: createLogger('hackcoin:bench', true) });
  return {
    chain,
    db,
    dir,
    async close() {
      // The last block's batch may still be in flight (write-behind).
      await chain.close();
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Builds valid blocks without a chain by tracking the state in memory, so a
 * benchmark can prebuild blocks and then time only their connection.
 */
export class BlockFactory {
  private readonly accounts = new Map<string, Account>();
  private prevHash: Uint8Array;
  private stateRoot: Uint8Array;
  private height: number;
  private time: number;

  /** State-tree nodes of the factory's blocks over the chain's (content-addressed, so one map serves every fork). */
  private readonly nodes = new Map<string, Uint8Array>();

  constructor(
    tip: { hash: Uint8Array; stateRoot: Uint8Array; height: number; header: { time: number } },
    private readonly base: TrieNodeReader = { node: () => undefined },
  ) {
    this.prevHash = tip.hash;
    this.stateRoot = tip.stateRoot;
    this.height = tip.height;
    this.time = tip.header.time;
  }

  next(txs: TransferTx[], miner: Uint8Array): Block {
    const height = this.height + 1;
    const nodes = { node: (h: Uint8Array) => this.nodes.get(bytesToHex(h)) ?? this.base.node(h) };
    const state = assembleBlockState(txs, height, { root: this.stateRoot, nodes }, miner, (k) => this.accounts.get(k), params, signer.backend);
    for (const [k, rec] of state.trieNodes) this.nodes.set(k, rec);
    if (state.included.length !== txs.length) throw new Error('bench block contains an invalid transaction');
    for (const tx of txs) {
      const from = this.accounts.get(addressKey(txSender(tx, signer.backend)))!;
      from.balance -= tx.amount + tx.fee;
      from.nonce++;
      const toKey = addressKey(tx.to);
      const to = this.accounts.get(toKey) ?? { balance: 0n, nonce: 0n };
      to.balance += tx.amount;
      this.accounts.set(toKey, to);
    }
    const mk = addressKey(miner);
    const m = this.accounts.get(mk) ?? { balance: 0n, nonce: 0n };
    m.balance += state.reward;
    this.accounts.set(mk, m);
    const coinbase: CoinbaseTx = { kind: 'coinbase', chainId: params.chainId, height, to: miner, amount: state.reward, stateRoot: state.stateRoot, extra: new Uint8Array(4) };
    const all = [coinbase, ...txs];
    this.time += 1;
    const header = { version: 1, prevHash: this.prevHash, merkleRoot: computeMerkleRoot(all), time: this.time, bits: params.powLimitBits, nonce: 0 };
    const target = decodeCompact(header.bits).target;
    while (!hashMeetsTarget(headerHash(header), target)) header.nonce++;
    this.prevHash = headerHash(header);
    this.stateRoot = state.stateRoot;
    this.height = height;
    return { header, txs: all };
  }
}

export function keyPair(seed: number): { key: Uint8Array; pub: Uint8Array; address: Uint8Array } {
  const key = new Uint8Array(32);
  new DataView(key.buffer).setUint32(28, seed + 1);
  key[0] = 0x11;
  const pub = publicKeyFromPrivate(key);
  return { key, pub, address: addressFromPublicKey(pub) };
}

type KeyPair = ReturnType<typeof keyPair>;

/**
 * The transfer workload the connect benches share: 30 empty blocks, one funding `perBlock`
 * senders from a faucet, then `count` blocks in which every sender pays a fresh address.
 */
export function transferBlocks(
  tip: ConstructorParameters<typeof BlockFactory>[0],
  count: number,
  perBlock = 1000,
  base?: TrieNodeReader,
): { setup: Block[]; blocks: Block[]; faucet: KeyPair; senders: KeyPair[] } {
  const faucet = keyPair(1_000_000);
  const senders = Array.from({ length: perBlock }, (_, i) => keyPair(i));
  const factory = new BlockFactory(tip, base);
  const setup: Block[] = [];
  for (let i = 0; i < 30; i++) setup.push(factory.next([], faucet.address));
  const fund = senders.map((s, i) =>
    fastSign({ kind: 'transfer', chainId: params.chainId, nonce: BigInt(i), fee: 200n, to: s.address, amount: 100_000_000n, data: new Uint8Array() }, faucet.key, faucet.pub),
  );
  setup.push(factory.next(fund, faucet.address));
  const blocks: Block[] = [];
  for (let b = 0; b < count; b++) {
    const txs = senders.map((s) =>
      fastSign({ kind: 'transfer', chainId: params.chainId, nonce: BigInt(b), fee: 200n, to: randomBytes(20), amount: 1000n, data: new Uint8Array() }, s.key, s.pub),
    );
    blocks.push(factory.next(txs, faucet.address));
  }
  return { setup, blocks, faucet, senders };
}
