import { RuleError, blockHash, decodeBlock, equalBytes, hashToHex, type Block } from '@hackcoin/core';
import type { Network } from './network.js';
import { short } from './network.js';
import type { PeerState } from './peer-state.js';
import type { Syncer } from './sync.js';
import { decodeBlocks, encodeSyncRequest } from './messages.js';
import { LIMITS, blocksResponseMax } from './protocol.js';
import { blockFaultScore } from './relay.js';

const CHUNK = 16;
/** How far ahead of the connect point downloads may run, in chunks: bounds memory. */
const WINDOW = 16;
const PER_PEER = 2;

interface Task {
  index: number;
  hashes: Uint8Array[];
  blocks: Block[];
}

/**
 * Fetches block bodies for known-good headers from several peers at once,
 * and connects them in order. A peer that times out is rotated out and its
 * chunk goes to another peer; a peer that lacks the blocks is dropped from
 * this download; a peer that sends other blocks than asked is penalised.
 */
export class BlockDownload {
  private readonly queue: Task[] = [];
  private readonly done = new Map<number, { blocks: Block[]; from: string }>();
  private next = 0;
  private connected = 0;
  private failed = false;
  private waiters: (() => void)[] = [];
  private pumping: Promise<void> = Promise.resolve();
  private readonly total: number;

  constructor(
    private readonly net: Network,
    private readonly syncer: Syncer,
    hashes: Uint8Array[],
    private readonly primary: PeerState,
  ) {
    for (let i = 0; i * CHUNK < hashes.length; i++) this.queue.push({ index: i, hashes: hashes.slice(i * CHUNK, (i + 1) * CHUNK), blocks: [] });
    this.total = this.queue.length;
  }

  async run(): Promise<number> {
    const work = this.net.chain.tip.chainWork;
    // Peers that may have the blocks: the one that sent the headers, and any claiming at least our work.
    const sources = [this.primary, ...this.net.readyPeers().filter((p) => p !== this.primary && p.status && p.status.chainWork >= work)];
    const workers: Promise<void>[] = [];
    for (const p of sources) for (let i = 0; i < PER_PEER; i++) workers.push(this.worker(p));
    await Promise.all(workers);
    await this.pumping;
    return this.connected;
  }

  private signal(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const fn of w) fn();
  }

  private async worker(peer: PeerState): Promise<void> {
    while (!this.failed && this.next < this.total) {
      const task = this.queue[0];
      if (!task) {
        // Everything is taken; stay around in case a slower peer's chunk comes back.
        await new Promise<void>((r) => this.waiters.push(r));
        continue;
      }
      if (task.index >= this.next + WINDOW) {
        await new Promise<void>((r) => this.waiters.push(r));
        continue;
      }
      this.queue.shift();
      const ok = await this.fetch(peer, task);
      if (!ok) return;
    }
  }

  /** Returns false when this peer should stop serving this download. */
  private async fetch(peer: PeerState, task: Task): Promise<boolean> {
    const requeue = () => {
      this.queue.unshift(task);
      this.queue.sort((a, b) => a.index - b.index);
      this.signal();
    };
    let raws: Uint8Array[];
    try {
      const req = encodeSyncRequest({ type: 'blocks', hashes: task.hashes });
      const maxBlock = this.net.chain.params.maxBlockSize;
      const resp = await this.net.request(peer.peerId, this.net.ids.sync, req, blocksResponseMax(maxBlock), LIMITS.blocksMs);
      raws = decodeBlocks(resp, maxBlock);
    } catch (e) {
      const err = e as Error;
      if (err.name === 'DecodeError') this.net.misbehave(peer.peerId, 'malformed', `blocks: ${err.message}`);
      else this.net.log.info(`peer ${short(peer.peerId)} stalled on blocks (${err.message}); rotating it out`);
      peer.syncBackoffUntil = Date.now() + 5_000;
      requeue();
      return false;
    }
    if (raws.length === 0) {
      requeue();
      return false;
    }
    try {
      for (let i = 0; i < raws.length; i++) {
        const block = decodeBlock(raws[i]!);
        if (!equalBytes(blockHash(block), task.hashes[i]!)) throw new Error('block other than requested');
        task.blocks.push(block);
      }
    } catch (e) {
      this.net.misbehave(peer.peerId, 'malformed', `blocks: ${(e as Error).message}`);
      task.blocks = [];
      requeue();
      return false;
    }
    if (raws.length < task.hashes.length) {
      // The response hit its size cap: the rest of this chunk is asked again.
      task.hashes = task.hashes.slice(raws.length);
      requeue();
      return true;
    }
    this.done.set(task.index, { blocks: task.blocks, from: peer.peerId });
    this.pumping = this.pumping.then(() => this.pump());
    return true;
  }

  /** Connects finished chunks strictly in order. */
  private async pump(): Promise<void> {
    for (let d = this.done.get(this.next); d && !this.failed; d = this.done.get(this.next)) {
      this.done.delete(this.next);
      for (const block of d.blocks) {
        const id = hashToHex(blockHash(block));
        this.net.relay.fromNetwork.add(id);
        try {
          await this.net.chain.processBlock(block);
          this.connected++;
        } catch (e) {
          if (!(e instanceof RuleError)) throw e;
          this.failed = true;
          if (blockFaultScore(e) > 0) this.net.misbehave(d.from, 'invalidBlock', `block ${id.slice(0, 16)}: ${e.message}`);
          break;
        }
      }
      this.next++;
      this.syncer.noteProgress();
      this.signal();
    }
    if (this.failed) this.signal();
  }
}
