import { NETWORKS, addressFromPublicKey, bytesToHex, encodeTx, formatAddress, generatePrivateKey, genesisBlock, headerHash, publicKeyFromPrivate, signTransfer } from '@hackcoin/core';
import { createHost, type Exchange, type Host } from '../../src/p2p/libp2p.js';
import { decodeStatus, decodeSyncRequest, encodeStatus, type SyncRequest } from '../../src/p2p/messages.js';
import { LIMITS, protocolIds } from '../../src/p2p/protocol.js';
import { startNode, waitFor, type StartOptions, type TestNode } from './node-process.js';

export const params = NETWORKS.regtest;

/** A test host dials a node and exchanges status with it, as a peer's handshake does: `status` is what the host says of itself. */
export async function handshake(host: Host, target: { addr: string; peerId: string }, status: Uint8Array): Promise<void> {
  await host.dial(target.addr);
  const ex = await host.open(target.peerId, protocolIds('regtest').status, 5_000);
  await ex.write(status);
  decodeStatus(await ex.read(LIMITS.statusBytes, 5_000));
  await ex.close();
}

/**
 * A libp2p peer that handshakes with `target` claiming a tip of `bestHash` at `height` with
 * far more work than any test chain, and answers each sync request with `serve`.
 */
export async function claimingPeer(
  target: TestNode,
  claim: { agent: string; bestHash: Uint8Array; height: number },
  serve: (req: SyncRequest, ex: Exchange) => Promise<void>,
): Promise<Host> {
  const ids = protocolIds('regtest');
  const info = await target.api('/api/node/info');
  const host = await createHost({ listen: ['/ip4/127.0.0.1/tcp/0'], maxConnections: 8, maxGossipBytes: params.maxBlockSize, isBanned: () => false, agent: claim.agent });
  const status = () =>
    encodeStatus({ network: 'regtest', chainId: params.chainId, genesis: headerHash(genesisBlock(params).header), bestHash: claim.bestHash, height: claim.height, chainWork: 1n << 200n, agent: claim.agent, listenAddrs: [] });
  await host.handle(ids.status, async (ex) => {
    await ex.read(LIMITS.statusBytes, 5_000).catch(() => undefined);
    await ex.write(status()).catch(() => undefined);
    await ex.close();
  });
  await host.handle(ids.sync, async (ex) => {
    try {
      await serve(decodeSyncRequest(await ex.read(LIMITS.requestBytes, 5_000)), ex);
    } finally {
      await ex.close();
    }
  });
  await handshake(host, { addr: info.p2p.addrs[0], peerId: info.p2p.peerId }, status());
  return host;
}

/** Regtest node with P2P on a random port, fast status refreshes for quick tests. */
export function startP2PNode(bootstrap: string[] = [], opts: StartOptions = {}): Promise<TestNode> {
  return startNode({ ...opts, env: { BOOTSTRAP_NODES: bootstrap.join(','), ...opts.env } });
}

export interface Wallet {
  key: Uint8Array;
  address: Uint8Array;
  addr: string;
  nonce: bigint;
}

export function newWallet(): Wallet {
  const key = generatePrivateKey();
  const address = addressFromPublicKey(publicKeyFromPrivate(key));
  return { key, address, addr: formatAddress(address), nonce: 0n };
}

export function transferHex(from: Wallet, to: Wallet, amount: bigint): { raw: string } {
  const tx = signTransfer({ kind: 'transfer', chainId: params.chainId, nonce: from.nonce++, fee: 1000n, to: to.address, amount, data: new Uint8Array() }, from.key);
  return { raw: bytesToHex(encodeTx(tx)) };
}

export async function tip(n: TestNode): Promise<{ height: number; bestHash: string }> {
  const i = await n.api('/api/node/info');
  return { height: i.height, bestHash: i.bestHash };
}

export async function sameTip(nodes: TestNode[], timeoutMs = 20_000, minHeight = 0): Promise<{ height: number; bestHash: string }> {
  return waitFor(
    async () => {
      const tips = await Promise.all(nodes.map(tip));
      const first = tips[0]!;
      return first.height >= minHeight && tips.every((t) => t.bestHash === first.bestHash) ? first : undefined;
    },
    timeoutMs,
    'all nodes on the same tip',
  );
}

export async function peers(n: TestNode): Promise<{ id: string; direction: string; bestHeight: number | null }[]> {
  return (await n.api('/api/network/peers')).peers;
}

export async function peerId(n: TestNode): Promise<string> {
  return (await n.api('/api/node/info')).p2p.peerId;
}
