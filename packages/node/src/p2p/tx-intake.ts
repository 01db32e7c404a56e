import { BufferReader, RuleError, TX_VERSION_COINBASE, decodeTx, skipTx, txId, type Block, type TransferTx } from '@hackcoin/core';
import type { Mempool } from '../mempool/mempool.js';
import type { MempoolEntry } from '../mempool/entry.js';
import type { Logger } from '../util/logger.js';
import type { Validation } from './libp2p.js';
import { rawListViews } from './messages.js';
import { NonceGapPool, type Held, type NonceGapLimits } from './nonce-gap-pool.js';
import type { PeerSet } from './peer-set.js';
import type { Offence } from './ban-score.js';
import { groupOf } from './netgroup.js';
import { LIMITS } from './protocol.js';
import { RecentSet } from '../util/recent-set.js';

/** Gossiped transaction batches waiting for the one being taken, at most (a flood is ignored past it). */
const MAX_WAITING_BATCH_BYTES = 16 * 1024 * 1024;
/**
 * One network group's share of that (an IPv4 /16 or IPv6 /32, as Core groups peers): a flood
 * from one peer, or from many connections out of one operator's addresses, cannot crowd out
 * the batches of the others.
 */
const MAX_WAITING_BATCH_BYTES_PER_GROUP = 2 * 1024 * 1024;
/**
 * What a waiting batch is charged besides its own bytes, for what it holds meanwhile: its state, promises
 * and closures, ~900 bytes measured (41,000 one-transaction batches waiting held 40 MB of heap besides their
 * bytes). Charged its bytes alone, 8-byte messages let about 260,000 batches wait within the 2 MiB of one group.
 */
const WAITING_BYTES_PER_BATCH = 1024;

/**
 * A gossiped batch as it waits for its turn: its bytes and the verdict on its shape, nothing decoded, so what
 * it holds is what it is charged. The bytes are gossipsub's message data, which gossipsub keeps until our verdict
 * anyway (to forward the message). Kept decoded, a batch held ~1.9 KB per 150-byte transaction (the objects,
 * a copy of each transaction's bytes twice over, its id and hash caches): 16 MiB charged was 136 MB of heap
 * and 67 MB outside it.
 */
interface WaitingBatch {
  data: Uint8Array;
  /** Some item is not a transfer (its sender penalised on arrival): the batch is refused in its turn, its transfers still judged. */
  undecodable: boolean;
}

/** What one relayed transaction turned out to be. */
type Judgement = 'new' | 'known' | 'innocent' | 'reject';

/**
 * Why a batch is not relayed on as it is (its new transactions still go on in our own batch):
 * what rides in a relayed message must have paid for its bytes, and a transaction we already
 * had, or a second copy of one, costs its sender nothing.
 */
type NotRelayed = 'txbatch-refused-tx' | 'txbatch-repeated-tx' | 'txbatch-known-share';

/**
 * Bytes of transactions we already had that a batch relayed as it is may carry, per byte of new
 * ones: a batch another node put together may hold a few we got by another path (new ones it
 * republished from a message it did not relay), and rebuilding it for those would only make one
 * more message. The unpaid share of what we relay stays within this.
 */
const MAX_KNOWN_PER_NEW_BYTE = 1 / 8;

/** Transactions that failed a rule without fault, not checked again until the tip moves (Core's m_recent_rejects). */
const RECENT_REJECTS = 50_000;

/**
 * Transactions from peers, by gossip or from a mempool exchange: decode,
 * remember as seen (not published back by the relay), add to the mempool,
 * and penalise a rule broken on purpose (a stale nonce is innocent).
 */
export class TxIntake {
  readonly seen = new RecentSet(20_000);
  readonly gaps: NonceGapPool;
  private readonly recentRejects = new RecentSet(RECENT_REJECTS);
  /** Peers banned by what they sent here, so their batches still waiting are dropped unread. */
  private readonly banned = new RecentSet(1_024);
  private batches: Promise<unknown> = Promise.resolve();
  private waitingTotal = 0;
  /** Bytes waiting per network group; a group leaves it when its last batch was taken. */
  private readonly waitingFrom = new Map<string, number>();

  constructor(
    private readonly mempool: Pick<Mempool, 'get' | 'add'>,
    private readonly peers: PeerSet,
    /** Largest encoded transaction worth reading (the data limit and the fixed fields). */
    readonly maxTxBytes: number,
    private readonly log: Logger,
    /** Sends a transaction admitted here on in our own batch, when the message that brought it was not relayed. */
    private readonly republish: (raw: Uint8Array) => void,
    gapLimits?: NonceGapLimits,
  ) {
    this.gaps = new NonceGapPool(gapLimits);
  }

  /** The network group a peer's shares of our bounded queues are charged to, read while it is connected (the peer itself once it is gone). */
  private groupOf(from: string): string {
    const address = this.peers.get(from)?.address;
    return address === undefined ? from : groupOf(address);
  }

  /**
   * A gossiped batch. Batches are taken one at a time, each in its own order: gossipsub
   * validates messages concurrently, and a sender's later nonces in the next batch would
   * otherwise reach the mempool between its earlier ones. What waits is bounded by bytes, in
   * all and per network group; past that a batch is ignored (not relayed, nobody blamed: an
   * honest peer relaying a burst may meet the bound too).
   */
  acceptBatch(from: string, data: Uint8Array): Promise<Validation> {
    // Judged, then bounded, then decoded in its turn. Its shape is judged as it arrives, before the bound:
    // gossipsub has recorded the message in its seen cache already, and a peer past our handshake sending junk
    // that waited, or was ignored for the bound (which blames nobody), went on filling that cache for as long
    // as it sent. That judgement builds nothing (views into the message, each item walked by skipTx, read as
    // decodeTx reads it), so it costs no more than reading the bytes, and a batch ignored for the bound is
    // never decoded. The bound could not come first without letting well-framed junk pass unblamed when full.
    if (this.banned.has(from)) return Promise.resolve('reject');
    const batch = this.judgeShape(from, data);
    if (!batch || this.banned.has(from)) return Promise.resolve('reject');
    const group = this.groupOf(from);
    const fromGroup = this.waitingFrom.get(group) ?? 0;
    const cost = data.length + WAITING_BYTES_PER_BATCH;
    if (this.waitingTotal + cost > MAX_WAITING_BATCH_BYTES || fromGroup + cost > MAX_WAITING_BATCH_BYTES_PER_GROUP) {
      // Its junk was blamed above; the rest is refused as its turn would have.
      return Promise.resolve(batch.undecodable ? 'reject' : 'ignore');
    }
    this.waitingTotal += cost;
    this.waitingFrom.set(group, fromGroup + cost);
    const run = this.batches.then(() => this.takeBatch(from, group, batch));
    const done = run.finally(() => {
      this.waitingTotal -= cost;
      const left = this.waitingFrom.get(group)! - cost;
      if (left > 0) this.waitingFrom.set(group, left);
      else this.waitingFrom.delete(group);
    });
    this.batches = done.catch(() => undefined);
    return done;
  }

  /** Bytes charged to the gossiped batches waiting their turn (what they hold: their bytes and a fixed overhead each). */
  get waitingBytes(): number {
    return this.waitingTotal;
  }

  /**
   * A batch's shape as it arrives: the list, and each item as a transfer, the sender penalised for each
   * that is not; undefined for a list that does not decode. Nothing is copied or built.
   */
  private judgeShape(from: string, data: Uint8Array): WaitingBatch | undefined {
    let items: Uint8Array[];
    try {
      items = rawListViews(data, LIMITS.maxTxsPerGossip, this.maxTxBytes);
    } catch (e) {
      this.penalise(from, 'malformed', `undecodable transaction batch: ${(e as Error).message}`);
      return undefined;
    }
    if (items.length === 0) {
      this.penalise(from, 'malformed', 'empty transaction batch');
      return undefined;
    }
    let undecodable = false;
    for (const item of items) {
      try {
        const r = new BufferReader(item);
        skipTx(r);
        r.done();
      } catch (e) {
        this.penalise(from, 'malformed', `undecodable transaction: ${(e as Error).message}`);
        undecodable = true;
        continue;
      }
      if (item[0] === TX_VERSION_COINBASE) {
        this.penalise(from, 'malformed', 'coinbase relayed as a transaction');
        undecodable = true;
      }
    }
    return { data, undecodable };
  }

  /**
   * A waiting batch's transactions, decoded now, in its turn, each the first of its copies only: decoding is a few
   * µs a transaction, where keeping them decoded while they waited held ~1.9 KB each. Each keeps a copy of its
   * received bytes (decoding is canonical, so they are its encoding), never a view keeping the message alive. An
   * item that does not decode was blamed as the batch arrived (the same reader judged it then), so it is only
   * counted here.
   */
  private decodeBatch(data: Uint8Array): { txs: { tx: TransferTx; raw: Uint8Array }[]; undecodable: boolean; repeated: boolean } {
    const out = { txs: [] as { tx: TransferTx; raw: Uint8Array }[], undecodable: false, repeated: false };
    const ids = new Set<string>();
    for (const item of rawListViews(data, LIMITS.maxTxsPerGossip, this.maxTxBytes)) {
      let tx;
      try {
        tx = decodeTx(item);
      } catch {
        out.undecodable = true;
        continue;
      }
      if (tx.kind !== 'transfer') out.undecodable = true;
      // A copy is judged once: the mempool's lookup cannot see the first before it is admitted.
      else if (ids.has(txId(tx))) out.repeated = true;
      else {
        ids.add(txId(tx));
        out.txs.push({ tx, raw: item.slice() });
      }
    }
    return out;
  }

  /**
   * Relayed on as it is only when everything in it was judged new, except at most a small share
   * of bytes we already had, and no transaction comes twice: junk, known transactions or copies
   * riding with one new transaction must not travel the network at the price of one fee.
   * Otherwise the new ones go on in our own batch. A repeat is not penalised: an honest node's
   * batch can carry one (a transaction evicted and admitted again within one batch interval is
   * republished twice, and nodes before this release batched a held transaction that `seen` had
   * forgotten once as their own and once as held). One transaction that breaks a rule on purpose
   * rejects the message and penalises the sender (each such transaction does).
   */
  private async takeBatch(from: string, group: string, batch: WaitingBatch): Promise<Validation> {
    // Banned while this batch waited: what it still had queued is not worth a signature check.
    if (this.banned.has(from)) return 'reject';
    const { txs, undecodable, repeated } = this.decodeBatch(batch.data);
    let rejected = batch.undecodable || undecodable;
    // All handed to the mempool in this turn: it admits them in this order, and their signatures
    // are checked as one job on the verify pool instead of a worker round trip each.
    const judged = await Promise.allSettled(txs.map(({ tx, raw }) => this.judge(from, group, tx, raw)));
    const fresh: Uint8Array[] = [];
    let freshBytes = 0;
    let knownBytes = 0;
    let innocent = false;
    judged.forEach((j, i) => {
      if (j.status === 'rejected') throw j.reason;
      const raw = txs[i]!.raw;
      if (j.value === 'new') {
        fresh.push(raw);
        freshBytes += raw.length;
      } else if (j.value === 'known') knownBytes += raw.length;
      else if (j.value === 'reject') rejected = true;
      else innocent = true;
    });
    const notRelayed: NotRelayed | undefined = innocent
      ? 'txbatch-refused-tx'
      : repeated
        ? 'txbatch-repeated-tx'
        : knownBytes > freshBytes * MAX_KNOWN_PER_NEW_BYTE
          ? 'txbatch-known-share'
          : undefined;
    if (rejected || notRelayed) {
      for (const raw of fresh) this.republish(raw);
      if (!rejected) this.log.debug('transaction batch from %s not relayed (%s), %d new', from, notRelayed, fresh.length);
      return rejected ? 'reject' : 'ignore';
    }
    return fresh.length > 0 ? 'accept' : 'ignore';
  }

  /** One transaction, as a mempool exchange brings it. */
  async accept(from: string, data: Uint8Array): Promise<Validation> {
    const tx = this.decode(from, data);
    if (!tx) return 'reject';
    const j = await this.judge(from, this.groupOf(from), tx, data);
    return j === 'new' ? 'accept' : j === 'reject' ? 'reject' : 'ignore';
  }

  /**
   * A transaction joined the mempool (from anywhere): one held for the gap it closes goes in
   * after it, and so on along the sender's nonces, each admission calling this again.
   */
  admitted(e: MempoolEntry): void {
    this.retry(this.gaps.next(e.tx));
  }

  /**
   * A block connected: a held transaction whose predecessor it confirmed (without that one
   * ever reaching our mempool) is tried now. Innocent failures may pass on the new tip.
   */
  confirmed(block: Block): void {
    this.recentRejects.clear();
    for (const tx of block.txs) if (tx.kind === 'transfer') this.retry(this.gaps.next(tx));
  }

  private retry(held: Held | undefined): void {
    if (!held) return;
    // Marked again: held for minutes, it may have left `seen`, and the relay would then batch it
    // as our own on admission besides the republish below, a repeat in our message.
    this.seen.add(txId(held.tx));
    this.add(held.from, held.group, held.tx, held.raw).then(
      (j) => {
        // Its message was not relayed when it was held: it goes on from here.
        if (j === 'new') this.republish(held.raw);
      },
      (err: Error) => this.log.warn(`held transaction not admitted: ${err.message}`),
    );
  }

  /** A relayed transaction, or undefined (its sender penalised) when it is none. */
  private decode(from: string, raw: Uint8Array): TransferTx | undefined {
    let tx;
    try {
      tx = decodeTx(raw);
    } catch (e) {
      this.penalise(from, 'malformed', `undecodable transaction: ${(e as Error).message}`);
      return undefined;
    }
    if (tx.kind !== 'transfer') {
      this.penalise(from, 'malformed', 'coinbase relayed as a transaction');
      return undefined;
    }
    return tx;
  }

  private async judge(from: string, group: string, tx: TransferTx, raw: Uint8Array): Promise<Judgement> {
    const peer = this.peers.get(from);
    const id = txId(tx);
    if (this.mempool.get(id)) return 'known';
    // A replay of what failed without fault (in any order, under a new message id) costs no check.
    if (this.recentRejects.has(id) || this.gaps.holds(tx, raw)) return 'innocent';
    this.seen.add(id);
    const j = await this.add(from, group, tx, raw);
    if (j === 'new' && peer) peer.lastTxAt = Date.now();
    return j;
  }

  private penalise(from: string, offence: Offence, detail: string, extra?: number): void {
    if (this.peers.misbehave(from, offence, detail, extra)) this.banned.add(from);
  }

  private async add(from: string, group: string, tx: TransferTx, raw: Uint8Array): Promise<Judgement> {
    try {
      await this.mempool.add(tx);
      return 'new';
    } catch (e) {
      if (!(e instanceof RuleError)) throw e;
      if (e.score <= 0) {
        if (e.code === 'bad-txns-nonce-gap') this.gaps.add({ tx, from, group, raw });
        else this.recentRejects.add(txId(tx));
        return 'innocent';
      }
      this.penalise(from, 'invalidTx', e.message, Math.max(0, e.score - 10));
      return 'reject';
    }
  }
}
