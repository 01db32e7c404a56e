import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeDir, waitFor, type TestNode } from './helpers/node-process.js';
import { peerId, peers, startP2PNode } from './helpers/p2p.js';

describe('anchors across a restart (Core anchors.dat)', () => {
  const nodes: TestNode[] = [];
  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.kill()));
    for (const n of new Set(nodes.map((x) => x.dataDir))) removeDir(n);
  });

  it('saves two outbound peers on shutdown and, started again, dials exactly those first, reading the file once', async () => {
    const others: TestNode[] = [];
    for (const ip of ['127.0.0.41', '127.0.0.42', '127.0.0.43', '127.0.0.44']) {
      const n = await startP2PNode([], { env: { HOST: ip } });
      nodes.push(n);
      others.push(n);
    }
    const addrOf = async (n: TestNode) => (await n.api('/api/node/info')).p2p.addrs[0] as string;
    const node = await startP2PNode(await Promise.all(others.map(addrOf)), { env: { HOST: '127.0.0.45', MAX_OUTBOUND: '4' } });
    nodes.push(node);
    const ids = await Promise.all(others.map(peerId));
    await waitFor(async () => (await peers(node)).filter((p) => p.direction === 'outbound').length === 4, 30_000, 'four outbound peers');
    await node.stop();

    const path = join(node.dataDir, 'p2p', 'anchors.json');
    const saved = JSON.parse(readFileSync(path, 'utf8')) as { peerId: string; addr: string }[];
    expect(saved).toHaveLength(2);
    for (const a of saved) expect(ids).toContain(a.peerId);

    // Two outbound slots, and every one of the four in the address book (tried): the anchors take both.
    const again = await startP2PNode([], { dataDir: node.dataDir, env: { HOST: '127.0.0.45', MAX_OUTBOUND: '2' } });
    nodes.push(again);
    expect(existsSync(path)).toBe(false);
    const outbound = await waitFor(
      async () => {
        const out = (await peers(again)).filter((p) => p.direction === 'outbound');
        return out.length === 2 ? out.map((p) => p.id) : undefined;
      },
      30_000,
      'two outbound peers after the restart',
    );
    expect(new Set(outbound)).toEqual(new Set(saved.map((a) => a.peerId)));
    for (const a of saved) expect(again.output()).toContain(`dialling anchor ${a.peerId} at ${a.addr}`);
  }, 120_000);
});
