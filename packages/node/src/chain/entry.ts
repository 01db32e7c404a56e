import {
  BufferReader,
  BufferWriter,
  encodeHeader,
  readHeader,
  headerHash,
  hashToHex,
  bytesToBigIntLE,
  bigIntToBytesLE,
  type BlockHeader,
} from '@hackcoin/core';

export const Status = {
  /** The full block is stored, not only its header. */
  haveData: 1,
  /** The block (or an ancestor) broke a rule when connected. Permanent. */
  invalid: 2,
  /**
   * The block passed every rule when it was connected (Core's BLOCK_VALID_SCRIPTS); it stays set
   * after a reorg takes it off the main chain. Only such blocks are served off the main chain.
   */
  valid: 4,
} as const;

/** One block in the block index: a node of the tree of all known blocks. */
export interface ChainEntry {
  hash: Uint8Array;
  id: string;
  header: BlockHeader;
  height: number;
  /** Cumulative work of the chain ending here; fork choice compares it. */
  chainWork: bigint;
  status: number;
  /** State commitment after this block (from its coinbase), kept to undo without re-reading blocks. */
  stateRoot: Uint8Array;
  parent: ChainEntry | null;
}

export function makeEntry(
  header: BlockHeader,
  parent: ChainEntry | null,
  work: bigint,
  status: number,
  stateRoot: Uint8Array,
): ChainEntry {
  const hash = headerHash(header);
  return {
    hash,
    id: hashToHex(hash),
    header,
    height: parent ? parent.height + 1 : 0,
    chainWork: (parent?.chainWork ?? 0n) + work,
    status,
    stateRoot,
    parent,
  };
}

export function encodeEntry(e: ChainEntry): Uint8Array {
  return new BufferWriter(120)
    .bytes(encodeHeader(e.header))
    .u32(e.height)
    .bytes(bigIntToBytesLE(e.chainWork, 32))
    .u8(e.status)
    .fixed(e.stateRoot, 32)
    .finish();
}

export interface StoredEntry {
  header: BlockHeader;
  height: number;
  chainWork: bigint;
  status: number;
  stateRoot: Uint8Array;
}

export function decodeEntry(bytes: Uint8Array): StoredEntry {
  const r = new BufferReader(bytes);
  const header = readHeader(r);
  const height = r.u32();
  const chainWork = bytesToBigIntLE(r.bytes(32));
  const status = r.u8();
  const stateRoot = r.bytes(32).slice();
  r.done();
  return { header, height, chainWork, status, stateRoot };
}

export function ancestorAt(entry: ChainEntry, height: number): ChainEntry | null {
  let e: ChainEntry | null = entry;
  while (e && e.height > height) e = e.parent;
  return e && e.height === height ? e : null;
}
