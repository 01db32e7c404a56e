import { describe, expect, it } from 'vitest';
import { generateKeyPair } from '@libp2p/crypto/keys';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import { AddrMan, type BookEntry } from './addrman.js';
import type { Exchange } from './libp2p.js';
import { decodePeers, encodePeers } from './messages.js';
import { PxAnswers, servePeerExchange } from './peer-exchange.js';
import { LIMITS } from './protocol.js';
import { FakePeers } from './test-peers.js';

const ids = (n: number) => Promise.all(Array.from({ length: n }, async () => peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()));

type Book = Pick<AddrMan, 'sample'>;

/** One peer-exchange request from `asker` answered by servePeerExchange; the records answered. */
async function answer(peers: FakePeers, asker: string, answers: PxAnswers, book: Book): Promise<{ raw: Uint8Array; ids: string[] }> {
  let sent: Uint8Array | undefined;
  const ex: Exchange = {
    peerId: asker,
    read: async () => new Uint8Array(0),
    write: async (b) => void (sent = b),
    writeRaw: async () => undefined,
    close: async () => undefined,
    abort: () => undefined,
  };
  // `book` as well: what an answer drawn from the live table plus the book (before the cache) was given.
  const deps = { peers, answers, book, wire: { penalise: () => undefined } };
  await servePeerExchange(deps, ex);
  if (!sent) throw new Error('no answer');
  return { raw: sent, ids: decodePeers(sent).map((r) => r.peerId) };
}

/** A book whose sample is `entries` shuffled, counting draws. */
function fakeBook(entries: BookEntry[]): Book & { draws: number } {
  const book = {
    draws: 0,
    sample: (limit: number) => {
      book.draws++;
      return [...entries].sort(() => Math.random() - 0.5).slice(0, limit);
    },
  };
  return book;
}

const entry = (peerId: string, addrs: string[]): BookEntry => ({ peerId, addrs, lastSeen: 0, lastConnected: 1, lastTry: 0, failures: 0, retryAt: 0, source: 'px', group: '', srcGroup: '', tried: true });

describe('peer exchange', () => {
  it('answers within what an asker reads and passes on only well-formed addresses, whatever the book holds', async () => {
    const [asker, honest, ...hostile] = await ids(2 + LIMITS.maxPxPeers);
    const peers = new FakePeers();
    peers.add(asker!, { chainWork: 1n }, 'inbound');
    // The operator's DNS names, and addresses of the longest length an entry could hold before addresses had one shape.
    const book = fakeBook([entry(honest!, ['/ip4/10.0.0.7/tcp/4001']), ...hostile.map((id) => entry(id, ['/dns4/internal.example/tcp/1', `/ip4/1.2.3.4/tcp/1/tls/sni/${'a'.repeat(200)}`]))]);
    const { raw } = await answer(peers, asker!, new PxAnswers(book), book);
    expect(raw.length).toBeLessThanOrEqual(LIMITS.pxBytes);
    expect(decodePeers(raw)).toEqual([{ peerId: honest, addrs: ['/ip4/10.0.0.7/tcp/4001'] }]);
  });

  it('names no connected peer the address book would not share: the answer is drawn from the book, not the live peer table', async () => {
    const [asker, ...rest] = await ids(1 + 8 + 40);
    const outbound = rest.slice(0, 8);
    const peers = new FakePeers();
    peers.add(asker!, { chainWork: 1n }, 'inbound', '/ip4/198.51.100.9/tcp/5000');
    outbound.forEach((id, i) => peers.add(id, { chainWork: 1n, listenAddrs: [`/ip4/44.${i}.0.1/tcp/4001`] }, 'outbound', `/ip4/44.${i}.0.1/tcp/4001`));
    // The book's shareable entries: 40 peers reached lately, none of them the current outbound ones.
    const book = new AddrMan(undefined, 'self');
    rest.slice(8).forEach((id, i) => {
      book.add(id, [`/ip4/45.${i}.0.1/tcp/4001`], { kind: 'manual' });
      book.markConnected(id);
    });
    const got = await answer(peers, asker!, new PxAnswers(book), book);
    expect(got.ids).toHaveLength(LIMITS.maxPxPeers);
    expect(got.ids.filter((id) => outbound.includes(id))).toEqual([]);
  });

  it('keeps an answer per netgroup for about a day: asking again, or as another identity in the /16, gets the same records', async () => {
    const all = await ids(200);
    const book = fakeBook(all.map((id, i) => entry(id, [`/ip4/46.${i}.0.1/tcp/4001`])));
    let now = 1_000_000;
    const answers = new PxAnswers(book, () => now);
    const first = answers.answer('/ip4/198.51.100.9/tcp/5000', 'a');
    expect(first).toHaveLength(LIMITS.maxPxPeers);
    for (let i = 0; i < 20; i++) {
      now += 3600_000;
      expect(answers.answer(`/ip4/198.51.${i}.1/tcp/${6000 + i}`, `asker-${i}`)).toEqual(first);
    }
    expect(book.draws).toBe(1);
    // Another netgroup gets a draw of its own; the first group's answer is drawn again only after 27 hours at most.
    answers.answer('/ip4/203.0.113.9/tcp/5000', 'b');
    expect(book.draws).toBe(2);
    now += 7 * 3600_000;
    answers.answer('/ip4/198.51.100.9/tcp/5000', 'a');
    expect(book.draws).toBe(3);
  });

  it('draws an answer the book could not fill again soon, so a young node tells its first askers of peers it finds later', async () => {
    const [a, b, c] = await ids(3);
    const entries = [entry(a!, ['/ip4/47.0.0.1/tcp/1'])];
    const book = fakeBook(entries);
    let now = 1_000_000;
    const answers = new PxAnswers(book, () => now);
    expect(answers.answer('/ip4/127.0.0.2/tcp/1', c!).map((r) => r.peerId)).toEqual([a]);
    entries.push(entry(b!, ['/ip4/47.1.0.1/tcp/1']));
    expect(answers.answer('/ip4/127.0.0.2/tcp/1', c!).map((r) => r.peerId)).toEqual([a]);
    now += 20_000;
    expect(answers.answer('/ip4/127.0.0.2/tcp/1', c!).map((r) => r.peerId).sort()).toEqual([a, b].sort());
    // Never the asker's own record.
    expect(answers.answer('/ip4/127.0.0.2/tcp/1', a!).map((r) => r.peerId)).toEqual([b]);
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
