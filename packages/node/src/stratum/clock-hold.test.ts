import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { formatAddress } from '@hackcoin/core';
import { ChainFixture, W } from '../test-support/chain-fixture.js';
import { MAX_AHEAD_SECONDS } from '../mining/clock-guard.js';
import { cleanUp, startPool } from '../test-support/stratum-pool.js';

interface Message {
  id: number | null;
  method?: string;
  params?: unknown[];
  result?: unknown;
}

/** A bare Stratum connection over a real socket that records every message the pool sends. */
async function stratumConnection(port: number): Promise<{ socket: Socket; messages: Message[]; send: (id: number, method: string, params: unknown[]) => void }> {
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((r) => socket.once('connect', () => r()));
  const messages: Message[] = [];
  let buf = '';
  socket.on('data', (d: Buffer) => {
    buf += d.toString();
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
      messages.push(JSON.parse(buf.slice(0, i)) as Message);
      buf = buf.slice(i + 1);
    }
  });
  return { socket, messages, send: (id, method, params) => socket.write(`${JSON.stringify({ id, method, params })}\n`) };
}

const notifies = (messages: Message[]) => messages.filter((m) => m.method === 'mining.notify');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  await cleanUp();
  for (const f of cleanup.splice(0).reverse()) await f();
});

describe('pool work and the clock', () => {
  it('holds work back while templates are stamped too far ahead of the clock, and hands it out once the clock catches up', async () => {
    const fx = await ChainFixture.create();
    cleanup.push(() => fx.close());
    // Eleven blocks 1,000 s ahead of the pool's clock, as a fast regtest pool leaves them: the median
    // time past, and so any next block's time, is far ahead.
    const far = fx.clock.now + 1000;
    for (let i = 0; i < 11; i++) await fx.mine(1, { time: far + i });
    const clock = { ms: fx.clock.now * 1000 };
    const { server, port } = await startPool({ initialDifficulty: 1e-9, now: () => clock.ms }, fx);
    const c = await stratumConnection(port);
    cleanup.push(() => void c.socket.destroy());
    c.send(1, 'mining.subscribe', ['test']);
    c.send(2, 'mining.authorize', [`${formatAddress(W.alice.address)}.w`, 'x']);
    await sleep(1500);
    expect(c.messages.find((m) => m.id === 2)?.result).toBe(true);
    expect(notifies(c.messages)).toEqual([]);
    expect(server.currentJob()).toBeNull();

    const mtp = fx.chain.medianTimePast(fx.chain.tip);
    clock.ms = (mtp + 1 - MAX_AHEAD_SECONDS) * 1000;
    for (let i = 0; i < 50 && notifies(c.messages).length === 0; i++) await sleep(100);
    const [job] = notifies(c.messages);
    // notify params: job id, prevhash, coinb1, coinb2, merkle branch, version, nbits, ntime, clean.
    const ntime = parseInt(job!.params![7] as string, 16);
    expect(ntime).toBe(mtp + 1);
    expect(ntime - clock.ms / 1000).toBe(MAX_AHEAD_SECONDS);
    expect(job!.params![8]).toBe(true);
    expect(server.currentJob()?.template.parent).toBe(fx.chain.tip);
  });
});
