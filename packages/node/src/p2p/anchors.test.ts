import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { generateKeyPair } from '@libp2p/crypto/keys';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import { chooseAnchors, loadAnchors, MAX_ANCHORS } from './anchors.js';
import { PeerState } from './peer-state.js';

async function ids(n: number): Promise<string[]> {
  return Promise.all(Array.from({ length: n }, async () => peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()));
}

const ready = (p: PeerState, chainWork = 10n): PeerState => {
  p.status = { listenAddrs: [], chainWork } as unknown as NonNullable<PeerState['status']>;
  return p;
};

describe('anchors', () => {
  const dirs: string[] = [];
  const file = (content: string): string => {
    const dir = mkdtempSync(join(tmpdir(), 'anchors-'));
    dirs.push(dir);
    const path = join(dir, 'anchors.json');
    writeFileSync(path, content);
    return path;
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('are the longest-connected outbound peers that finished the handshake and have no ban score', async () => {
    const [a, b, c, d, e] = await ids(5);
    const peers = [
      ready(new PeerState(a!, 'outbound', '/ip4/1.1.0.1/tcp/1', 500)),
      ready(new PeerState(b!, 'inbound', '/ip4/1.2.0.1/tcp/1', 100)),
      new PeerState(c!, 'outbound', '/ip4/1.3.0.1/tcp/1', 200),
      ready(new PeerState(d!, 'outbound', `/ip4/1.4.0.1/tcp/1/p2p/${d}`, 300)),
      ready(new PeerState(e!, 'outbound', '/ip4/1.5.0.1/tcp/1', 250)),
    ];
    peers[4]!.score.add(20, 0);
    expect(chooseAnchors(peers, 10n)).toEqual([
      { peerId: d, addr: '/ip4/1.4.0.1/tcp/1' },
      { peerId: a, addr: '/ip4/1.1.0.1/tcp/1' },
    ]);
  });

  it('pass over a peer behind our tip, and put those that delivered a block before the longest-connected', async () => {
    const [idle, lagging, relaying, other] = await ids(4);
    const peers = [
      ready(new PeerState(idle!, 'outbound', '/ip4/1.1.0.1/tcp/1', 100)),
      ready(new PeerState(lagging!, 'outbound', '/ip4/1.2.0.1/tcp/1', 50), 3n),
      ready(new PeerState(relaying!, 'outbound', '/ip4/1.3.0.1/tcp/1', 400)),
      ready(new PeerState(other!, 'outbound', '/ip4/1.4.0.1/tcp/1', 300)),
    ];
    peers[2]!.lastBlockAt = 1_000;
    expect(chooseAnchors(peers, 10n).map((a) => a.peerId)).toEqual([relaying, idle]);
  });

  it('leave alone whatever is at their path that is not a file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'anchors-'));
    dirs.push(dir);
    const path = join(dir, 'anchors.json');
    mkdirSync(join(path, 'keep'), { recursive: true });
    writeFileSync(join(path, 'keep', 'data'), 'x');
    expect(loadAnchors(path, 'self')).toEqual([]);
    expect(existsSync(join(path, 'keep', 'data'))).toBe(true);
  });

  it('read from an untrusted file: at most two, each passing the address rules, and the file is gone after one read', async () => {
    const [a, b, c, d] = await ids(4);
    const hostile = [
      { peerId: 'self', addr: '/ip4/9.9.0.1/tcp/1' },
      { peerId: a, addr: '/dns4/metadata.google.internal/tcp/80' },
      { peerId: b, addr: `/ip4/9.9.0.2/tcp/1/p2p/${c}` },
      { peerId: c, addr: '/ip4/9.9.0.3/tcp/0' },
      { peerId: d, addr: '/ip4/9.9.0.4/tcp/9000' },
    ];
    // Only the first MAX_ANCHORS entries are looked at, and all of these fail a rule.
    const path = file(JSON.stringify(hostile));
    expect(loadAnchors(path, 'self')).toEqual([]);
    expect(existsSync(path)).toBe(false);

    const good = file(JSON.stringify([{ peerId: d, addr: '/ip4/9.9.0.4/tcp/9000' }, { peerId: c, addr: '/ip6/2001:0db8::4/tcp/9000' }, { peerId: a, addr: '/ip4/9.9.0.6/tcp/9000' }]));
    expect(loadAnchors(good, 'self')).toEqual([
      { peerId: d, addr: '/ip4/9.9.0.4/tcp/9000' },
      { peerId: c, addr: '/ip6/2001:db8::4/tcp/9000' },
    ]);
    expect(MAX_ANCHORS).toBe(2);
    expect(loadAnchors(good, 'self')).toEqual([]);
  });

  it('a file too large or not JSON yields no anchors and is deleted', async () => {
    const [a] = await ids(1);
    const padded = file(JSON.stringify([{ peerId: a, addr: '/ip4/9.9.0.4/tcp/9000', pad: 'x'.repeat(10_000) }]));
    expect(loadAnchors(padded, 'self')).toEqual([]);
    expect(existsSync(padded)).toBe(false);
    for (const junk of ['{not json', '{"peerId":"x"}', 'null', '[null, 7, "a"]']) {
      const path = file(junk);
      expect(loadAnchors(path, 'self')).toEqual([]);
      expect(existsSync(path)).toBe(false);
    }
  });
});
