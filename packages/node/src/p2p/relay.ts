import { RuleError, decodeBlock, decodeTx, encodeBlock, encodeTx, hashToHex, blockHash, txId, type Block } from '@hackcoin/core';
import type { ChainEntry } from '../chain/entry.js';
import type { MempoolEntry } from '../mempool/entry.js';
import type { Validation } from './libp2p.js';
import type { Network } from './network.js';
import { short } from './network.js';

/**
 * Transaction rules carry score 0 because a stale nonce is innocent in the
 * mempool; inside a block, whose PoW the sender vouched for, any broken rule
 * is the sender's fault. Only a fast clock is forgiven.
 */
export function blockFaultScore(e: RuleError): number {
  return e.code === 'time-too-new' ? 0 : Math.max(e.score, 100);
}

/** Remembers recent ids; old ones fall out so memory stays flat. */
class RecentSet {
  private readonly set = new Set<string>();
  constructor(private readonly max: number) {}
  add(id: string): void {
    this.set.add(id);
    if (this.set.size > this.max) this.set.delete(this.set.values().next().value as string);
  }
  has(id: string): boolean {
    return this.set.has(id);
  }
  delete(id: string): void {
    this.set.delete(id);
  }
}

/**
 * Block and transaction gossip. Validators run the full chain or mempool
 * checks before gossipsub forwards anything, so invalid data stops at the
 * first honest node and its sender is penalised. Objects that arrived from
 * the network are remembered so only locally made ones are published.
 */
export class Relay {
  readonly fromNetwork = new RecentSet(4_096);
  /**
   * Blocks gossipsub itself carries onwards: accepted by our validator (forwarded to the mesh)
   * or published here (flood-published to every subscriber). The tip announcer only needs to
   * cover the peers gossip does not reach for these.
   */
  readonly gossiped = new RecentSet(256);
  private readonly txsFromNetwork = new RecentSet(20_000);
  private readonly onBlock = (e: ChainEntry, block: Block) => this.publishBlock(e, block);
  private readonly onTx = (e: MempoolEntry) => this.publishTx(e);

  constructor(private readonly net: Network) {}

  start(): void {
    this.net.host.subscribe(this.net.ids.blocks, (from, data) => this.validateBlock(from, data));
    this.net.host.subscribe(this.net.ids.txs, (from, data) => this.validateTx(from, data));
    this.net.chain.on('block:connected', this.onBlock);
    this.net.o.mempool.on('tx:added', this.onTx);
  }

  stop(): void {
    this.net.chain.off('block:connected', this.onBlock);
    this.net.o.mempool.off('tx:added', this.onTx);
  }

  private publishBlock(e: ChainEntry, block: Block): void {
    if (this.fromNetwork.has(e.id)) return;
    this.fromNetwork.add(e.id);
    this.gossiped.add(e.id);
    const data = encodeBlock(block);
    this.net.host.publish(this.net.ids.blocks, data).then(
      (n) => {
        this.countOut(data.length);
        this.net.log.debug('published block %s to %d peers', e.id, n);
      },
      (err: Error) => this.net.log.debug('publish block %s failed: %s', e.id, err.message),
    );
  }

  private publishTx(e: MempoolEntry): void {
    if (this.txsFromNetwork.has(e.id)) return;
    this.txsFromNetwork.add(e.id);
    const data = encodeTx(e.tx);
    this.net.host.publish(this.net.ids.txs, data).then(
      () => this.countOut(data.length),
      (err: Error) => this.net.log.debug('publish tx %s failed: %s', e.id, err.message),
    );
  }

  private countOut(bytes: number): void {
    for (const p of this.net.readyPeers()) p.bytesOut += bytes;
  }

  private async validateBlock(from: string, data: Uint8Array): Promise<Validation> {
    const peer = this.net.peers.get(from);
    if (peer) peer.bytesIn += data.length;
    let block: Block;
    try {
      block = decodeBlock(data);
    } catch (e) {
      this.net.misbehave(from, 'malformed', `undecodable block: ${(e as Error).message}`);
      return 'reject';
    }
    const id = hashToHex(blockHash(block));
    if (this.net.chain.getEntry(id)) return 'ignore';
    this.fromNetwork.add(id);
    this.gossiped.add(id);
    if (peer) peer.knownBlock = id;
    const t0 = performance.now();
    try {
      const r = await this.net.chain.processBlock(block, { unsolicited: true });
      if (r.status === 'connected') this.net.log.debug('block %s via gossip from %s, validated in %d ms', id, short(from), Math.round(performance.now() - t0));
      if (r.status === 'orphan') {
        // Gossip cannot be trusted to deliver every block: fetch the gap from the sender.
        this.net.log.debug('orphan block %s from %s: fetching ancestors', id, short(from));
        this.net.syncer.onOrphan(from);
        return 'ignore';
      }
      return r.status === 'duplicate' || r.status === 'ignored' ? 'ignore' : 'accept';
    } catch (e) {
      if (!(e instanceof RuleError)) throw e;
      if (blockFaultScore(e) > 0) {
        const pow = e.code === 'high-hash' || e.code === 'bad-diffbits';
        this.net.misbehave(from, pow ? 'invalidPow' : 'invalidBlock', `block ${id.slice(0, 16)}: ${e.message}`);
        return 'reject';
      }
      return 'ignore';
    }
  }

  private async validateTx(from: string, data: Uint8Array): Promise<Validation> {
    const peer = this.net.peers.get(from);
    if (peer) peer.bytesIn += data.length;
    let id: string;
    try {
      const tx = decodeTx(data);
      if (tx.kind !== 'transfer') {
        this.net.misbehave(from, 'malformed', 'coinbase relayed as a transaction');
        return 'reject';
      }
      id = txId(tx);
      if (this.net.o.mempool.get(id)) return 'ignore';
      this.txsFromNetwork.add(id);
      await this.net.o.mempool.add(tx);
      return 'accept';
    } catch (e) {
      if (e instanceof RuleError) {
        if (e.score <= 0) return 'ignore';
        this.net.misbehave(from, 'invalidTx', e.message, Math.max(0, e.score - 10));
        return 'reject';
      }
      this.net.misbehave(from, 'malformed', `undecodable transaction: ${(e as Error).message}`);
      return 'reject';
    }
  }
}
