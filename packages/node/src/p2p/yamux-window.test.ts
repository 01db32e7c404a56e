import { describe, expect, it } from 'vitest';
import { multiaddrConnectionPair } from '@libp2p/utils';
import type { Stream, StreamMuxer } from '@libp2p/interface';
import { guardedYamux } from './yamux-guard.js';

/** Yamux's window update frame type. */
const WINDOW_UPDATE = 1;

/** Two yamux muxers over an in-memory connection, counting the window update frames the receiving end sends. */
async function pair(): Promise<{ sender: Stream; receiver: Promise<Stream>; windowUpdates: () => number; close: () => Promise<void> }> {
  const [outbound, inbound] = multiaddrConnectionPair();
  const factory = guardedYamux()();
  const a: StreamMuxer = factory.createStreamMuxer(outbound);
  const b = factory.createStreamMuxer(inbound) as unknown as StreamMuxer & { sendFrame(header: { type: number }, data?: unknown): boolean };
  let updates = 0;
  // Streams bind the muxer's sendFrame as they are created, so this sees every frame the receiver sends.
  const sendFrame = b.sendFrame.bind(b);
  b.sendFrame = (header, data) => {
    if (header.type === WINDOW_UPDATE) updates++;
    return sendFrame(header, data);
  };
  const receiver = new Promise<Stream>((resolve) => b.addEventListener('stream', (e) => resolve(e.detail), { once: true }));
  const sender = await a.createStream();
  return {
    sender,
    receiver,
    windowUpdates: () => updates,
    close: async () => {
      await Promise.all([a.close(), b.close()]);
    },
  };
}

async function receive(stream: Stream, bytes: number): Promise<number> {
  let got = 0;
  await new Promise<void>((resolve) => {
    stream.addEventListener('message', (e) => {
      got += e.data.byteLength;
      if (got >= bytes) resolve();
    });
  });
  return got;
}

describe('yamux window updates', () => {
  it('grants window once half of it is used, not after every frame: 200 small messages cost one update, the stream’s ACK', async () => {
    const p = await pair();
    const stream = await (async () => {
      p.sender.send(new Uint8Array(100));
      return p.receiver;
    })();
    const all = receive(stream, 200 * 100);
    for (let i = 1; i < 200; i++) p.sender.send(new Uint8Array(100).fill(i & 0xff));
    expect(await all).toBe(200 * 100);
    // 20 KB is far below half the 256 KiB window (3 to 5 updates before: one per data frame, however the sender coalesced them).
    expect(p.windowUpdates()).toBe(1);
    await p.close();
  });

  it('still moves a message several windows long, intact, with at most an update per half window (liveness: the rule must never leave a sender waiting)', async () => {
    const p = await pair();
    const size = 700_000;
    const data = new Uint8Array(size).map((_, i) => (i * 7) & 0xff);
    p.sender.send(data);
    const stream = await p.receiver;
    const chunks: Uint8Array[] = [];
    await new Promise<void>((resolve) => {
      let got = 0;
      stream.addEventListener('message', (e) => {
        chunks.push(e.data.subarray());
        got += e.data.byteLength;
        if (got >= size) resolve();
      });
    });
    const joined = new Uint8Array(size);
    let at = 0;
    for (const c of chunks) {
      joined.set(c, at);
      at += c.length;
    }
    expect(at).toBe(size);
    expect(joined).toEqual(data);
    // Past the first window, one update per half window at most (the window grows when updates come quickly).
    expect(p.windowUpdates()).toBeGreaterThan(1);
    expect(p.windowUpdates()).toBeLessThanOrEqual(size / (128 * 1024) + 1);
    await p.close();
  });
});
