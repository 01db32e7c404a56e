import { describe, expect, it } from 'vitest';
import { generateKeyPair } from '@libp2p/crypto/keys';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import type { Exchange } from './libp2p.js';
import { decodePeers, encodePeers } from './messages.js';
import { servePeerExchange } from './peer-exchange.js';
import { LIMITS } from './protocol.js';
import { FakePeers } from './test-peers.js';

const ids = (n: number) => Promise.all(Array.from({ length: n }, async () => peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()));

/** One peer-exchange request from `asker` answered by servePeerExchange; the answer's bytes. */
async function answer(peers: FakePeers, asker: string): Promise<Uint8Array> {
  let sent: Uint8Array | undefined;
  const ex: Exchange = {
    peerId: asker,
    read: async () => new Uint8Array(0),
    write: async (b) => void (sent = b),
    writeRaw: async () => undefined,
    close: async () => undefined,
    abort: () => undefined,
  };
  await servePeerExchange({ peers, book: { sample: () => [] }, wire: { penalise: () => undefined } }, ex);
  if (!sent) throw new Error('no answer');
  return sent;
}

describe('peer exchange', () => {
  it('answers within what an asker reads and passes on only well-formed addresses, whatever connected peers put in their status', async () => {
    const [asker, honest, ...hostile] = await ids(2 + LIMITS.maxPxPeers);
    const peers = new FakePeers();
    peers.add(asker!, { chainWork: 1n }, 'inbound');
    peers.add(honest!, { chainWork: 1n, listenAddrs: ['/ip4/10.0.0.7/tcp/4001'] }, 'inbound');
    // Statuses that name the most listen addresses of the longest length a status decodes.
    for (const id of hostile) peers.add(id, { chainWork: 1n, listenAddrs: Array(LIMITS.maxListenAddrs).fill('A'.repeat(256)) }, 'inbound');
    const raw = await answer(peers, asker!);
    expect(raw.length).toBeLessThanOrEqual(LIMITS.pxBytes);
    expect(decodePeers(raw)).toEqual([{ peerId: honest, addrs: ['/ip4/10.0.0.7/tcp/4001'] }]);
  });

  it('leaves out the records that would take an answer past what an asker reads', async () => {
    const records = (await ids(LIMITS.maxPxPeers)).map((peerId, i) => ({
      peerId,
      addrs: Array.from({ length: LIMITS.maxListenAddrs }, (_, k) => `/ip6/${'fe80:'.repeat(7)}${i}/tcp/${4000 + k}/${'x'.repeat(200)}`),
    }));
    const raw = encodePeers(records);
    expect(raw.length).toBeLessThanOrEqual(LIMITS.pxBytes);
    const kept = decodePeers(raw);
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(records.length);
    expect(kept).toEqual(records.slice(0, kept.length));
  });
});
