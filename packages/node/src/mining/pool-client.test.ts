import { createServer, type Server, type Socket } from 'node:net';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { bigIntToBytesLE, bytesToHex } from '@hackcoin/core';
import { PoolClient, type PoolWork } from './pool-client.js';
import { targetForDifficulty } from '../stratum/protocol.js';
import { createLogger } from '../util/logger.js';

const PREV = '00'.repeat(32);
const notify = (id: string, over: Partial<Record<number, unknown>> = {}): string => {
  const params: unknown[] = [id, PREV, '0100', '', [], '00000001', '1d00ffff', '68000000', true];
  for (const [i, v] of Object.entries(over)) params[Number(i)] = v;
  return `${JSON.stringify({ id: null, method: 'mining.notify', params })}\n`;
};

/** A pool on a real socket that answers subscribe with `subscribeResult` and then sends `after`. */
async function fakePool(subscribeResult: string, after: string[]): Promise<{ server: Server; url: string; closed: Promise<unknown> }> {
  let closedResolve!: (v: unknown) => void;
  const closed = new Promise((r) => (closedResolve = r));
  const server = createServer((s: Socket) => {
    s.setEncoding('utf8');
    s.on('close', closedResolve);
    s.on('data', (d: string) => {
      if (d.includes('mining.subscribe')) s.write(`{"id":1,"result":${subscribeResult},"error":null}\n`);
      if (d.includes('mining.authorize')) s.write(`{"id":2,"result":true,"error":null}\n${after.join('')}`);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, url: `stratum+tcp://127.0.0.1:${(server.address() as { port: number }).port}`, closed };
}

const targetHex = (difficulty: number) => bytesToHex(bigIntToBytesLE(targetForDifficulty(difficulty), 32));

describe('PoolClient against a hostile pool', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => cleanups.splice(0).forEach((f) => f()));

  async function connect(subscribeResult: string, after: string[], works: number) {
    const pool = await fakePool(subscribeResult, after);
    const warnings: string[] = [];
    const log = { ...createLogger('hackcoin:test', true), warn: (m: string) => void warnings.push(m) };
    const client = new PoolClient(pool.url, '0x0707070707070707070707070707070707070707.rig', log);
    cleanups.push(() => {
      client.stop();
      pool.server.close();
    });
    const seen: PoolWork[] = [];
    const enough = new Promise<void>((resolve) => client.on('work', (w) => seen.push(w) === works && resolve()));
    client.start();
    return { client, pool, seen, enough, warnings };
  }

  it('keeps its last difficulty when the pool sends one with no target, and its work stays mineable', async () => {
    const bad = [0, -1, '1e999', 5e-324, '"2"', 'null'].map((d) => `{"id":null,"method":"mining.set_difficulty","params":[${d}]}\n`);
    const { client, seen, enough, warnings } = await connect('[[],"01000000",4]', ['{"id":null,"method":"mining.set_difficulty","params":[2]}\n', ...bad, notify('j1')], 1);
    await enough;
    expect(warnings).toEqual(bad.map(() => 'pool sent an invalid difficulty; keeping the last one'));
    expect(bytesToHex(seen[0]!.target)).toBe(targetHex(2));
    // What the threads ask for once a job's nonce space is used up.
    const next = client.nextWork();
    expect([next?.jobId, next && bytesToHex(next.target), next?.extranonce2]).toEqual(['j1', targetHex(2), '00000001']);
  });

  it('ignores a malformed job and keeps mining the last good one', async () => {
    const malformed = [
      notify('j2', { 1: 'zz'.repeat(32) }),
      notify('j3', { 2: '010' }),
      notify('j4', { 4: ['not hex'] }),
      notify('j5', { 5: 'xyz' }),
      notify('j6', { 0: 'x'.repeat(65) }),
      notify('j7', { 4: Array.from({ length: 33 }, () => PREV) }),
      '{"id":null,"method":"mining.notify","params":"j8"}\n',
    ];
    const { client, seen, enough, warnings } = await connect('[[],"01000000",4]', [notify('j1'), ...malformed, notify('j9')], 2);
    await enough;
    expect(warnings).toEqual(malformed.map(() => 'pool sent a malformed job; ignoring it'));
    expect(seen.map((w) => w.jobId)).toEqual(['j1', 'j9']);
    expect(client.nextWork()?.jobId).toBe('j9');
  });

  it('hangs up on a subscribe answer whose extranonce it cannot use, and makes no work from it', async () => {
    for (const answer of ['[[],"zz",4]', '[[],"01000000",1000000000]', '[[],"01000000",0]', `[[],"${'00'.repeat(33)}",4]`]) {
      const { client, pool, seen } = await connect(answer, [notify('j1')], 1);
      await pool.closed;
      expect([answer, seen.length, client.nextWork()]).toEqual([answer, 0, null]);
      cleanups.splice(0).forEach((f) => f());
    }
  });
});
