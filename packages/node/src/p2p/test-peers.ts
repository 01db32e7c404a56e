import { decodeHeader, decodeBlock, encodeBlock, hashToHex, type Block, type BlockHeader } from '@hackcoin/core';
import type { Chain } from '../chain/chain.js';
import { quietLogger } from '../test-support/chain-fixture.js';
import { BAN_THRESHOLD, PENALTY, type Offence } from './ban-score.js';
import { decodeHeaders, type StatusMessage } from './messages.js';
import type { PeerSet } from './peer-set.js';
import { PeerState } from './peer-state.js';
import { headersAfter } from './serve.js';
import type { Bodies, SyncClient } from './sync-client.js';

/** A peer set for unit tests: real PeerState objects, offences recorded instead of bans. */
export class FakePeers implements PeerSet {
  readonly map = new Map<string, PeerState>();
  readonly offences: { peerId: string; offence: Offence; detail: string }[] = [];
  readonly banned = new Set<string>();

  add(peerId: string, status: Partial<StatusMessage> & { chainWork: bigint }, direction: 'inbound' | 'outbound' = 'outbound', address = `/ip4/10.0.0.1/tcp/1`): PeerState {
    const p = new PeerState(peerId, direction, address, Date.now());
    p.status = { network: 'regtest', chainId: 0, genesis: new Uint8Array(32), bestHash: new Uint8Array(32), height: 0, agent: 'test', listenAddrs: [], ...status };
    this.map.set(peerId, p);
    return p;
  }

  get(peerId: string): PeerState | undefined {
    return this.map.get(peerId);
  }

  ready(): PeerState[] {
    return [...this.map.values()].filter((p) => p.ready);
  }

  misbehave(peerId: string, offence: Offence, detail: string, extra = 0): boolean {
    this.offences.push({ peerId, offence, detail });
    const w = PENALTY[offence];
    const p = this.map.get(peerId);
    const score = p ? p.score.add(w.persistent + extra, w.transient) : w.persistent + extra;
    if (score >= BAN_THRESHOLD) {
      this.banned.add(peerId);
      this.map.delete(peerId);
      return true;
    }
    return false;
  }

  offencesOf(peerId: string): Offence[] {
    return this.offences.filter((o) => o.peerId === peerId).map((o) => o.offence);
  }
}

export type Behaviour = {
  headers?: (locator: Uint8Array[]) => Promise<BlockHeader[]>;
  blocks?: (hashes: Uint8Array[]) => Promise<Block[]>;
};

/** A sync client answering from real chains, one per peer id, with optional scripted misbehaviour. */
export class ChainsClient implements SyncClient {
  readonly served = new Map<string, { headers: number; blocks: number }>();
  constructor(private readonly remotes: Map<string, { chain: Chain; behaviour?: Behaviour }>) {}

  private count(peerId: string, kind: 'headers' | 'blocks', n: number): void {
    const s = this.served.get(peerId) ?? { headers: 0, blocks: 0 };
    s[kind] += n;
    this.served.set(peerId, s);
  }

  async headers(peerId: string, locator: Uint8Array[]): Promise<BlockHeader[]> {
    const r = this.remotes.get(peerId);
    if (!r) throw new Error('no such peer');
    const out = r.behaviour?.headers ? await r.behaviour.headers(locator) : decodeHeaders(headersAfter(r.chain, locator, 2_000)).map(decodeHeader);
    this.count(peerId, 'headers', out.length);
    return out;
  }

  async blocks(peerId: string, hashes: Uint8Array[]): Promise<Block[]> {
    return (await this.bodies(peerId, hashes)).blocks;
  }

  async bodies(peerId: string, hashes: Uint8Array[]): Promise<Bodies> {
    const r = this.remotes.get(peerId);
    if (!r) throw new Error('no such peer');
    let out: Block[];
    if (r.behaviour?.blocks) out = await r.behaviour.blocks(hashes);
    else {
      out = [];
      for (const h of hashes) {
        const e = r.chain.getEntry(hashToHex(h));
        const raw = e && (await r.chain.getRawBlock(e));
        if (!raw) break;
        out.push(decodeBlock(raw));
      }
    }
    this.count(peerId, 'blocks', out.length);
    return { blocks: out, bytes: out.reduce((n, b) => n + encodeBlock(b).length, 0) };
  }
}

export const testLog = quietLogger();
