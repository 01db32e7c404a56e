import { startNode, removeDir, waitFor, type TestNode } from '../../packages/node/test/helpers/node-process.js';

/**
 * A local network of real node processes on loopback: node i bootstraps
 * from up to three random earlier nodes, and with MAX_OUTBOUND=4 plus peer
 * exchange each ends with about eight peers, a random graph.
 */
export async function startCluster(count: number, maxOutbound = 4, batch = 2, env: Record<string, string> = {}): Promise<TestNode[]> {
  const nodes: TestNode[] = [await startNode({ env: { ...env, MAX_OUTBOUND: String(maxOutbound) } })];
  try {
    await grow(nodes, count, maxOutbound, batch, env);
  } catch (e) {
    await stopCluster(nodes);
    throw e;
  }
  return nodes;
}

async function grow(nodes: TestNode[], count: number, maxOutbound: number, batch: number, env: Record<string, string>): Promise<void> {
  while (nodes.length < count) {
    const n = Math.min(batch, count - nodes.length);
    const started = await Promise.all(
      Array.from({ length: n }, () => {
        const seeds = [...nodes].sort(() => Math.random() - 0.5).slice(0, 3).map((x) => x.url);
        return startNode({ env: { ...env, MAX_OUTBOUND: String(maxOutbound), BOOTSTRAP_NODES: seeds.join(',') } });
      }),
    );
    nodes.push(...started);
  }
  await waitFor(
    async () => {
      const counts = await Promise.all(nodes.map(async (x) => (await x.api('/api/network/status')).peers.total as number));
      return counts.every((c) => c >= Math.min(maxOutbound, count - 1));
    },
    60_000,
    'cluster connectivity',
  );
}

export async function stopCluster(nodes: TestNode[]): Promise<void> {
  await Promise.all(nodes.map((n) => n.stop()));
  for (const n of nodes) removeDir(n.dataDir);
}

/** Calls `fn(nodeIndex, height, id)` the moment a node logs that it connected a block. */
export function watchBlocks(nodes: TestNode[], fn: (i: number, height: number, id: string) => void): () => void {
  const offs: (() => void)[] = [];
  nodes.forEach((n, i) => {
    let buf = '';
    const on = (d: Buffer) => {
      buf += d.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        const m = / INFO \[node\] block (\d+) ([0-9a-f]{64}) /.exec(line);
        if (m) fn(i, Number(m[1]), m[2]!);
      }
    };
    n.proc.stderr!.on('data', on);
    offs.push(() => n.proc.stderr!.off('data', on));
  });
  return () => offs.forEach((f) => f());
}
