import {
  BufferWriter,
  bytesToHex,
  coinbaseMerkleBranch,
  concatBytes,
  encodeTx,
  rootFromBranch,
  sha256d,
  txHash,
  type Block,
  type BlockHeader,
  type CoinbaseTx,
} from '@hackcoin/core';
import type { BlockTemplate } from '../mining/template.js';
import { stratumPrevHash, u32Hex } from './protocol.js';

export const EXTRANONCE1_SIZE = 4;
export const EXTRANONCE2_SIZE = 4;

/**
 * One unit of pool work. The coinbase's `extra` field is its last, so the
 * miner's coinbase is coinb1 ‖ extranonce1 ‖ extranonce2 ‖ coinb2 with coinb2
 * empty; coinb1 ends with the CompactSize length of the extranonces.
 */
export class StratumJob {
  readonly coinb1: Uint8Array;
  readonly coinb2 = new Uint8Array(0);
  readonly branch: Uint8Array[];
  /**
   * What the miner's header space depends on besides its own extranonces, ntime and nonce: two
   * jobs with the same `work` (a refresh on a quiet tip, a difficulty alias) make the same hashes.
   */
  readonly work: string;

  constructor(
    readonly id: string,
    readonly template: BlockTemplate,
  ) {
    const placeholder: CoinbaseTx = { ...template.coinbase, extra: new Uint8Array(EXTRANONCE1_SIZE + EXTRANONCE2_SIZE) };
    const full = encodeTx(placeholder);
    this.coinb1 = full.subarray(0, full.length - EXTRANONCE1_SIZE - EXTRANONCE2_SIZE).slice();
    this.branch = coinbaseMerkleBranch([new Uint8Array(32), ...template.txs.slice(1).map(txHash)]);
    const h = template.header;
    const w = new BufferWriter(80 + this.coinb1.length + 32 * this.branch.length);
    w.fixed(h.prevHash, 32).u32(h.version).u32(h.bits).varBytes(this.coinb1).varBytes(this.coinb2);
    for (const b of this.branch) w.fixed(b, 32);
    this.work = bytesToHex(sha256d(w.finish()));
  }

  /** `id` names the job to the miner: a connection may be sent this work again under an alias of its own. */
  notifyParams(cleanJobs: boolean, id = this.id): unknown[] {
    const h = this.template.header;
    return [
      id,
      stratumPrevHash(h.prevHash),
      bytesToHex(this.coinb1),
      bytesToHex(this.coinb2),
      this.branch.map(bytesToHex),
      u32Hex(h.version),
      u32Hex(h.bits),
      u32Hex(h.time),
      cleanJobs,
    ];
  }

  coinbaseFor(extranonce1: Uint8Array, extranonce2: Uint8Array): CoinbaseTx {
    return { ...this.template.coinbase, extra: concatBytes(extranonce1, extranonce2) };
  }

  /** The header a miner hashed, rebuilt exactly as the protocol describes; `version` as BIP310 version rolling made it. */
  header(extranonce1: Uint8Array, extranonce2: Uint8Array, ntime: number, nonce: number, version = this.template.header.version): BlockHeader {
    const coinbaseHash = sha256d(concatBytes(this.coinb1, extranonce1, extranonce2, this.coinb2));
    return { ...this.template.header, version, merkleRoot: rootFromBranch(coinbaseHash, this.branch), time: ntime, nonce };
  }

  block(header: BlockHeader, extranonce1: Uint8Array, extranonce2: Uint8Array): Block {
    return { header, txs: [this.coinbaseFor(extranonce1, extranonce2), ...this.template.txs.slice(1)] };
  }
}

export function extranonce1For(sessionId: number): Uint8Array {
  return new BufferWriter(4).u32(sessionId >>> 0).finish();
}
