import { BufferReader } from '../encoding/reader.js';
import { BufferWriter } from '../encoding/writer.js';
import { hashToHex } from '../encoding/bytes.js';
import { sha256d } from '../crypto/hash.js';

export const HEADER_SIZE = 80;

/** Bitcoin's 80-byte block header, field for field, so sha256d mining software can mine it. */
export interface BlockHeader {
  version: number;
  /** Internal byte order (as hashed), not the reversed display order. */
  prevHash: Uint8Array;
  merkleRoot: Uint8Array;
  time: number;
  bits: number;
  nonce: number;
}

export function encodeHeader(h: BlockHeader): Uint8Array {
  return new BufferWriter(HEADER_SIZE)
    .u32(h.version)
    .fixed(h.prevHash, 32)
    .fixed(h.merkleRoot, 32)
    .u32(h.time)
    .u32(h.bits)
    .u32(h.nonce)
    .finish();
}

export function readHeader(r: BufferReader): BlockHeader {
  return {
    version: r.u32(),
    prevHash: r.bytes(32).slice(),
    merkleRoot: r.bytes(32).slice(),
    time: r.u32(),
    bits: r.u32(),
    nonce: r.u32(),
  };
}

export function decodeHeader(bytes: Uint8Array): BlockHeader {
  const r = new BufferReader(bytes);
  const h = readHeader(r);
  r.done();
  return h;
}

export function headerHash(h: BlockHeader): Uint8Array {
  return sha256d(encodeHeader(h));
}

/** Block id as displayed: the header hash byte-reversed, like Bitcoin. */
export function headerId(h: BlockHeader): string {
  return hashToHex(headerHash(h));
}
