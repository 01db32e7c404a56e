import { BufferReader, DecodeError } from '../encoding/reader.js';
import { BufferWriter } from '../encoding/writer.js';
import { HEADER_SIZE, encodeHeader, readHeader, headerHash, type BlockHeader } from './header.js';
import { encodeTx, readTx, skipTx, txHash, type CoinbaseTx, type Transaction } from './transaction.js';
import { merkleRoot } from '../consensus/merkle.js';

export interface Block {
  header: BlockHeader;
  txs: Transaction[];
}

/** Upper bound on transactions a decoder will even try to read, before consensus limits. */
const MAX_DECODE_TXS = 100_000;

export function encodeBlock(block: Block): Uint8Array {
  // Sized exactly (the transactions' encodings are cached): one allocation, no growth or final copy.
  const w = new BufferWriter(blockSize(block));
  w.bytes(encodeHeader(block.header)).varint(block.txs.length);
  for (const tx of block.txs) w.bytes(encodeTx(tx));
  return w.finish();
}

/** The count after a block's header, bounded in one place so that every reader of a block refuses the same ones. */
function readTxCount(r: BufferReader): number {
  const count = r.varint();
  if (count > MAX_DECODE_TXS) throw new DecodeError('too many transactions');
  return count;
}

export function decodeBlock(bytes: Uint8Array): Block {
  const r = new BufferReader(bytes);
  const header = readHeader(r);
  const count = readTxCount(r);
  const txs: Transaction[] = [];
  for (let i = 0; i < count; i++) txs.push(readTx(r));
  r.done();
  return { header, txs };
}

/**
 * How many transactions an encoded block holds, read from the count after its header: nothing else
 * is decoded. A count decodeBlock would refuse is refused here too, so a corrupt stored block is not
 * listed with a count its own page cannot show.
 */
export function encodedTxCount(bytes: Uint8Array): number {
  const r = new BufferReader(bytes);
  r.bytes(HEADER_SIZE);
  return readTxCount(r);
}

/**
 * Transaction `index` of an encoded block (undefined past its last), decoding only it: a lookup
 * of one transaction of a full stored block decoded all of its thousands (20–60 ms) for a
 * request of a few bytes.
 */
export function blockTxAt(bytes: Uint8Array, index: number): Transaction | undefined {
  return blockTxsAt(bytes, [index])[0];
}

/** Transactions `indexes` of an encoded block (undefined for each past its last), in one walk of it. */
export function blockTxsAt(bytes: Uint8Array, indexes: readonly number[]): (Transaction | undefined)[] {
  const r = new BufferReader(bytes);
  readHeader(r);
  const count = readTxCount(r);
  const out: (Transaction | undefined)[] = indexes.map(() => undefined);
  const wanted = indexes
    .map((index, at) => ({ index, at }))
    .filter(({ index }) => Number.isSafeInteger(index) && index >= 0 && index < count)
    .sort((a, b) => a.index - b.index);
  let next = 0;
  let last: Transaction | undefined;
  for (const { index, at } of wanted) {
    // Sorted: an index asked twice is the one just read.
    if (index >= next) {
      for (; next < index; next++) skipTx(r);
      last = readTx(r);
      next = index + 1;
    }
    out[at] = last;
  }
  return out;
}

/** Encoded size without building the encoding: validation checks it before anything is stored. */
export function blockSize(block: Block): number {
  const n = block.txs.length;
  let size = HEADER_SIZE + (n < 0xfd ? 1 : n <= 0xffff ? 3 : n <= 0xffffffff ? 5 : 9);
  for (const tx of block.txs) size += encodeTx(tx).length;
  return size;
}

export function blockHash(block: Block): Uint8Array {
  return headerHash(block.header);
}

/**
 * The last root computed for a transaction list, with the transactions it covered: a block
 * rebuilt by compact relay is checked against its header there and again by the chain.
 */
const rootCache = new WeakMap<readonly Transaction[], { txs: readonly Transaction[]; root: Uint8Array }>();

export function computeMerkleRoot(txs: readonly Transaction[]): Uint8Array {
  const hit = rootCache.get(txs);
  // Only for the very same transactions: a list changed since (pushed, spliced, an element
  // replaced) misses. Transactions themselves are never mutated (their hashes are cached too).
  if (hit && hit.txs.length === txs.length && hit.txs.every((t, i) => t === txs[i])) return hit.root.slice();
  const root = merkleRoot(txs.map(txHash));
  rootCache.set(txs, { txs: txs.slice(), root: root.slice() });
  return root;
}

export function blockCoinbase(block: Block): CoinbaseTx | undefined {
  const first = block.txs[0];
  return first?.kind === 'coinbase' ? first : undefined;
}
