import { connect } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import './shim.js';
// A bare libp2p node stands in for the hostile peer: the Host interface offers no way to stop reading a stream.
import { createLibp2p, type Libp2p } from 'libp2p';
import { tcp } from '@libp2p/tcp';
import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import { multiaddr } from '@multiformats/multiaddr';
import { peerIdFromString } from '@libp2p/peer-id';
import { FrameError, encodeFrame } from './frames.js';
import { createHost, type Host, type InboundSocket } from './libp2p.js';

const stops: (() => Promise<void>)[] = [];

/** The collector, for measuring what is still referenced rather than what is not yet collected. */
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

async function server(writeDrainMs: number): Promise<Host> {
  const host = await createHost({ listen: ['/ip4/127.0.0.1/tcp/0'], maxConnections: 8, maxGossipBytes: 1 << 20, isBanned: () => false, agent: 'test', writeDrainMs });
  stops.push(() => host.stop());
  return host;
}

async function bareClient(): Promise<Libp2p> {
  const client = await createLibp2p({ transports: [tcp()], connectionEncrypters: [noise()], streamMuxers: [yamux()] });
  stops.push(async () => {
    await client.stop();
  });
  return client;
}

/** Protobuf field `field` holding `body` (wire type 2); every length here is under 128, one varint byte. */
function lengthDelimited(field: number, body: Uint8Array): Uint8Array {
  return new Uint8Array([(field << 3) | 2, body.length, ...body]);
}

/** A gossipsub RPC subscribing to `topic` and carrying one unsigned message on it, length-prefixed as on the stream. */
function subscribeAndSend(topic: string, data: Uint8Array): Uint8Array {
  const t = new TextEncoder().encode(topic);
  const sub = new Uint8Array([0x08, 0x01, ...lengthDelimited(2, t)]);
  const msg = new Uint8Array([...lengthDelimited(2, data), ...lengthDelimited(4, t)]);
  const rpc = new Uint8Array([...lengthDelimited(1, sub), ...lengthDelimited(2, msg)]);
  return new Uint8Array([rpc.length, ...rpc]);
}

describe('libp2p host', () => {
  it('counts as reachable by gossip only the subscribers it has a stream to send on: gossipsub drops a message for any other', async () => {
    const host = await server(5_000);
    let heard!: (from: string) => void;
    const message = new Promise<string>((r) => (heard = r));
    host.subscribe('t', async (from) => {
      heard(from);
      return 'ignore';
    });
    // Subscribes over its own stream to us but takes no gossip stream from us (it speaks no gossipsub).
    const client = await bareClient();
    await client.dial(multiaddr(host.addrs()[0]!));
    const stream = await client.dialProtocol(peerIdFromString(host.peerId), '/meshsub/1.1.0');
    stream.send(subscribeAndSend('t', new Uint8Array([1, 2, 3])));
    // Gossipsub takes an RPC's subscriptions before its messages: once the message is heard, the subscription is known.
    expect(await message).toBe(client.peerId.toString());
    expect(host.topicPeers('t')).toEqual([]);
    expect(await host.publish('t', new Uint8Array([4, 5, 6]))).toBe(0);
  });


  it('counts an answer written only once the peer has read all of it, however slowly it reads', async () => {
    const host = await server(2_000);
    const events: string[] = [];
    let handled!: () => void;
    const done = new Promise<void>((r) => (handled = r));
    await host.handle('/test/slow/1', async (ex) => {
      await ex.read(1024, 5_000);
      await ex.write(new Uint8Array(4 * 1024 * 1024));
      events.push('written');
      handled();
    });
    const client = await bareClient();
    await client.dial(multiaddr(host.addrs()[0]!));
    const stream = await client.dialProtocol(peerIdFromString(host.peerId), '/test/slow/1');
    stream.send(encodeFrame(new Uint8Array([1])));
    let received = 0;
    let paused = false;
    let resume!: () => void;
    const halfway = new Promise<void>((r) => (resume = r));
    stream.addEventListener('message', (evt) => {
      received += evt.data.byteLength;
      if (!paused && received > 1024 * 1024) {
        paused = true;
        stream.pause();
        resume();
      }
    });
    await halfway;
    // The first megabyte was read and the window moved: the rest still waits for this reader.
    await new Promise((r) => setTimeout(r, 300));
    events.push(`paused at ${received >= 1024 * 1024 ? '1 MiB+' : received}`);
    stream.resume();
    await done;
    expect(events).toEqual(['paused at 1 MiB+', 'written']);
    // What the peer's window took in is its to buffer, not ours: it all arrives.
    for (let i = 0; i < 100 && received < 4 * 1024 * 1024; i++) await new Promise((r) => setTimeout(r, 20));
    expect(received).toBeGreaterThanOrEqual(4 * 1024 * 1024);
  });

  it('gives up an answer the peer never reads, and aborts its stream, instead of holding it for the connection’s life', async () => {
    const host = await server(300);
    const outcomes: unknown[] = [];
    let handled!: () => void;
    const done = new Promise<void>((r) => (handled = r));
    await host.handle('/test/stall/1', async (ex) => {
      await ex.read(1024, 5_000);
      // Far past yamux's window: the write waits for the peer to read.
      await ex.write(new Uint8Array(4 * 1024 * 1024)).then(
        () => outcomes.push('written'),
        (e: unknown) => outcomes.push(e instanceof FrameError ? e.kind : e),
      );
      handled();
    });
    const client = await bareClient();
    await client.dial(multiaddr(host.addrs()[0]!));
    const stream = await client.dialProtocol(peerIdFromString(host.peerId), '/test/stall/1');
    stream.send(encodeFrame(new Uint8Array([1])));
    const closed = new Promise<string>((r) => stream.addEventListener('close', () => r(stream.status)));
    stream.pause();
    await done;
    expect(outcomes).toEqual(['timeout']);
    expect(await closed).toBe('reset');
    // The connection itself stays: only the stalled exchange is dropped.
    expect(host.isConnected(client.peerId.toString())).toBe(true);
  });

  it('drops whatever a peer sends after the one frame an exchange carries, instead of queueing it unread', async () => {
    const host = await server(5_000);
    let answer!: () => void;
    const reply = new Promise<void>((r) => (answer = r));
    let read!: () => void;
    const gotFrame = new Promise<void>((r) => (read = r));
    await host.handle('/test/one/1', async (ex) => {
      await ex.read(1024, 5_000);
      read();
      await reply;
      await ex.write(new Uint8Array([7]));
    });
    const client = await bareClient();
    await client.dial(multiaddr(host.addrs()[0]!));
    const stream = await client.dialProtocol(peerIdFromString(host.peerId), '/test/one/1');
    stream.send(encodeFrame(new Uint8Array([1])));
    await gotFrame;
    gc();
    const before = process.memoryUsage().arrayBuffers;
    // 128 MiB more on the same stream, while the handler holds it open: yamux grants window as it arrives.
    const junk = new Uint8Array(256 * 1024).fill(9);
    for (let i = 0; i < 512 && stream.status === 'open'; i++) if (!stream.send(junk)) await stream.onDrain();
    // Until it has all left this end, so all of it reached the node's.
    for (let i = 0; i < 500 && stream.writeBufferLength > 0 && stream.status === 'open'; i++) await new Promise((r) => setTimeout(r, 20));
    expect(stream.writeBufferLength).toBe(0);
    // Whatever is still referenced after a full collection is what the node holds.
    gc();
    const held = process.memoryUsage().arrayBuffers - before;
    answer();
    // It was all taken off the wire and dropped (what is in flight is up to the stream's window, 16 MiB,
    // in each end's buffers, both in this process, plus the sockets' on a loaded machine; 8-11 MB
    // measured, 125-143 without the fix): the answer still goes through on the same stream.
    expect(held, `${(held / 2 ** 20).toFixed(1)} MiB still held`).toBeLessThan(48 * 1024 * 1024);
    expect(host.isConnected(client.peerId.toString())).toBe(true);
  });

  it('drops a connection whose yamux data frame claims more than any stream window, as soon as the header is in', async () => {
    const host = await server(5_000);
    const client = await bareClient();
    const conn = await client.dial(multiaddr(host.addrs()[0]!));
    const closed = new Promise<void>((r) => conn.addEventListener('close', () => r()));
    const mux = (conn as unknown as { muxer: { send(b: Uint8Array): void } }).muxer;
    // Version 0, data frame, no flags, stream 1, length 0xFFFFFFFF: the body would follow.
    mux.send(new Uint8Array([0, 0, 0, 0, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff]));
    // Without the guard it stays open, buffering, until a keep-alive ping goes unanswered (~15 s).
    const outcome = await Promise.race([closed.then(() => 'closed'), new Promise((r) => setTimeout(() => r('still open after 5 s'), 5_000))]);
    expect(outcome).toBe('closed');
    expect(host.isConnected(client.peerId.toString())).toBe(false);
  });

  it('keeps no subscriptions or messages on a topic the node does not use: they had no validator, so they counted as valid and were kept', async () => {
    const host = await createHost({ listen: ['/ip4/127.0.0.1/tcp/0'], maxConnections: 8, maxGossipBytes: 1 << 20, isBanned: () => false, agent: 'test', topics: ['ours'], heartbeatMs: 100 });
    stops.push(() => host.stop());
    host.subscribe('ours', async () => 'ignore');
    const peer = await server(5_000);
    for (const t of ['ours', 'theirs']) peer.subscribe(t, async () => 'ignore');
    await peer.dial(host.addrs()[0]!);
    for (let i = 0; i < 100 && host.topicPeers('ours').length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(host.topicPeers('ours')).toEqual([peer.peerId]);
    expect(host.topicPeers('theirs')).toEqual([]);
  });

  it("drops an admitted inbound connection at the gate's word, silent or upgraded, and names it as the peer's address does", async () => {
    const admitted: InboundSocket[] = [];
    const host = await createHost({ listen: ['/ip4/127.0.0.1/tcp/0'], maxConnections: 8, maxGossipBytes: 1 << 20, isBanned: () => false, agent: 'test', admitInbound: (s) => admitted.push(s) > 0 });
    stops.push(() => host.stop());
    const until = async (ok: () => boolean) => {
      for (let i = 0; i < 100 && !ok(); i++) await new Promise((r) => setTimeout(r, 20));
    };
    // A bare TCP socket that never starts Noise: dropped well before the 3 s upgrade timeout.
    const silent = connect({ host: '127.0.0.1', port: Number(/\/tcp\/(\d+)/.exec(host.addrs()[0]!)![1]) });
    const ended = new Promise<number>((r) => silent.on('close', () => r(Date.now())));
    silent.on('error', () => undefined);
    await until(() => admitted.length === 1);
    expect(admitted[0]!.address).toBe(`/ip4/127.0.0.1/tcp/${silent.localPort}`);
    const dropped = Date.now();
    admitted[0]!.drop();
    expect((await ended) - dropped).toBeLessThan(1_000);
    await until(() => admitted[0]!.closed);
    expect(admitted[0]!.closed).toBe(true);

    const client = await bareClient();
    await client.dial(multiaddr(host.addrs()[0]!));
    await until(() => host.connections().length === 1);
    expect(host.connections()[0]!.address).toBe(`${admitted[1]!.address}/p2p/${client.peerId}`);
    admitted[1]!.drop();
    await until(() => !host.isConnected(client.peerId.toString()) && client.getConnections().length === 0);
    expect(host.isConnected(client.peerId.toString())).toBe(false);
    expect(client.getConnections()).toHaveLength(0);
  });
});
