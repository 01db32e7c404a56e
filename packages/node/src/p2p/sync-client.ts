import { blockHash, decodeHeader, equalBytes, type Block, type BlockHeader } from '@hackcoin/core';
import type { BlockIntake } from './block-intake.js';
import { decodeBlocks, decodeHeaders, encodeSyncRequest } from './messages.js';
import type { PeerSet } from './peer-set.js';
import { LIMITS, blocksResponseMax } from './protocol.js';

/** One bounded request/response exchange with a peer (size and time limits on both sides). */
export interface Requester {
  request(peerId: string, protocol: string, payload: Uint8Array, maxResponse: number, timeoutMs: number): Promise<Uint8Array>;
}

/** Blocks as they came off the wire: decoded, and the bytes they took there. */
export interface Bodies {
  blocks: Block[];
  bytes: number;
}

/** What sync asks of a peer. Responses come back decoded and checked for shape; the peer is penalised for garbage. */
export interface SyncClient {
  /** Headers after the first locator hash the peer knows (at most LIMITS.maxHeaders). */
  headers(peerId: string, locator: Uint8Array[]): Promise<BlockHeader[]>;
  /** Blocks by hash: a prefix of the hashes asked for, in order; empty when the peer lacks them. */
  blocks(peerId: string, hashes: Uint8Array[]): Promise<Block[]>;
  /** blocks(), with their size: a download bounds the bytes it holds by it. */
  bodies(peerId: string, hashes: Uint8Array[]): Promise<Bodies>;
}

export class PeerError extends Error {
  override name = 'PeerError';
}

/** SyncClient over the sync protocol. */
export class WireSyncClient implements SyncClient {
  constructor(
    private readonly wire: Requester,
    private readonly protocol: string,
    private readonly peers: PeerSet,
    private readonly intake: BlockIntake,
    private readonly maxBlockSize: number,
  ) {}

  async headers(peerId: string, locator: Uint8Array[]): Promise<BlockHeader[]> {
    const req = encodeSyncRequest({ type: 'headers', locator: locator.slice(0, LIMITS.maxLocator), max: LIMITS.maxHeaders });
    const raw = await this.wire.request(peerId, this.protocol, req, 16 + LIMITS.maxHeaders * 80, LIMITS.headersMs);
    try {
      return decodeHeaders(raw).map(decodeHeader);
    } catch (e) {
      this.peers.misbehave(peerId, 'malformed', `headers: ${(e as Error).message}`);
      throw new PeerError(`malformed headers from ${peerId}`);
    }
  }

  async blocks(peerId: string, hashes: Uint8Array[]): Promise<Block[]> {
    return (await this.bodies(peerId, hashes)).blocks;
  }

  async bodies(peerId: string, hashes: Uint8Array[]): Promise<Bodies> {
    const req = encodeSyncRequest({ type: 'blocks', hashes });
    const resp = await this.wire.request(peerId, this.protocol, req, blocksResponseMax(this.maxBlockSize), LIMITS.blocksMs);
    let raws: Uint8Array[];
    try {
      raws = decodeBlocks(resp, this.maxBlockSize);
    } catch (e) {
      this.peers.misbehave(peerId, 'malformed', `blocks: ${(e as Error).message}`);
      throw new PeerError(`malformed blocks from ${peerId}`);
    }
    const out: Block[] = [];
    let bytes = 0;
    for (let i = 0; i < raws.length; i++) {
      const block = this.intake.decode(peerId, raws[i]!);
      if (!block) throw new PeerError(`undecodable block from ${peerId}`);
      if (i >= hashes.length || !equalBytes(blockHash(block), hashes[i]!)) {
        this.peers.misbehave(peerId, 'malformed', 'blocks: other than requested');
        throw new PeerError(`unrequested block from ${peerId}`);
      }
      out.push(block);
      bytes += raws[i]!.length;
    }
    return { blocks: out, bytes };
  }
}
