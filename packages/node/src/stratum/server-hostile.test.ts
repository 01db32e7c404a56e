import { createHash } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { formatAddress } from '@hackcoin/core';
import { ChainFixture, RETARGET_PARAMS, W } from '../test-support/chain-fixture.js';
import { StratumTestClient, shareTargetFor, type Notify } from '../../test/helpers/stratum-client.js';
import { afterTest, blockTarget, cleanUp, miner, shareOf, startPool, until, worker } from '../test-support/stratum-pool.js';
import { EXCUSED_PER_IP_BURST, LINES_PER_SLICE, REJECTED_PER_IP_BURST, REJECT_COOL_OFF_MS, StratumServer, WINDOW_FILL_SHARES } from './server.js';
import { BLANK_LINE_ALLOWANCE, CONTROL_BURST, MAX_ID_CHARS, MAX_LINE_BYTES, MAX_REJECT_RUN, MAX_UNREAD_BYTES, REFUSED_SUBMIT_BURST, SUBMIT_BURST, SUPERSEDED_GRACE_MS } from './session.js';

/**
 * The pool against hostile miners, in process over real sockets. The test
 * network's genesis difficulty (2^-16) lets shares at 1e-7 be far easier than
 * blocks, so a share does not move the tip and retire its job.
 */

afterEach(cleanUp);

/** The answers to `n` requests written raw with ids from 1,000,000, as they come; fewer if the connection closes. */
function answers(c: StratumTestClient, n: number): Promise<{ id: number; result: unknown; error: [number, string, null] | null }[]> {
  const got: { id: number; result: unknown; error: [number, string, null] | null }[] = [];
  return new Promise((resolve) => {
    for (let id = 1_000_000; id < 1_000_000 + n; id++) {
      (c as unknown as { pending: Map<number, (m: never) => void> }).pending.set(id, (m) => {
        got.push(m);
        if (got.length === n) resolve(got);
      });
    }
    const t = setInterval(() => c.closed && (clearInterval(t), resolve(got)), 20);
  });
}

/** A bare connection that records every message the pool sends. */
async function reader(port: number, from?: string): Promise<{ socket: Socket; messages: { id: unknown; error: unknown }[]; closed: () => boolean }> {
  const c = await raw(port, from);
  const messages: { id: unknown; error: unknown }[] = [];
  let buf = '';
  c.socket.setEncoding('utf8');
  c.socket.on('data', (d: string) => {
    buf += d;
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
      messages.push(JSON.parse(buf.slice(0, i)) as { id: unknown; error: unknown });
      buf = buf.slice(i + 1);
    }
  });
  return { ...c, messages };
}

describe('request ids', () => {
  it(`echoes ids that are numbers, null or strings of up to ${MAX_ID_CHARS} characters, and closes a connection that sends any other`, async () => {
    const { server, port } = await startPool();
    const good = [7, 1.5, null, 'mining.subscribe', 'x'.repeat(MAX_ID_CHARS)];
    const c = await reader(port);
    for (const id of good) c.socket.write(`${JSON.stringify({ id, method: 'mining.nothing', params: [] })}\n`);
    await until(() => c.messages.length === good.length, 'the answers');
    expect(c.messages.map((m) => m.id)).toEqual(good);
    // Echoed in every reply: an 8 KB id made every reply as long, and one nested 4,000 deep came within 90 levels of
    // JSON.stringify's stack limit.
    const bad = [JSON.stringify('x'.repeat(MAX_ID_CHARS + 1)), '[1]', '{"a":1}', 'true', `${'['.repeat(4000)}${']'.repeat(4000)}`];
    const conns = await Promise.all(bad.map(() => raw(port)));
    conns.forEach((b, i) => b.socket.write(`{"id":${bad[i]},"method":"mining.subscribe","params":[]}\n`));
    await until(() => conns.every((b) => b.closed()), 'the connections with bad ids closed');
    expect(c.closed()).toBe(false);
    expect(server.stats().disconnects).toMatchObject({ garbage: bad.length });
  });
});

describe('job refreshes', () => {
  it('retime the current template while the tip and the mempool are unchanged, and assemble again once a transaction arrives', async () => {
    const { port, fx } = await startPool({ notifyIntervalMs: 100, refreshGraceMs: 60_000 }, 'regtest');
    await fx.fundWallets();
    let selections = 0;
    const select = fx.mempool.select.bind(fx.mempool);
    fx.mempool.select = (...a: Parameters<typeof select>) => (selections++, select(...a));
    const a = await miner(port);
    const seen = a.jobs.length;
    await until(() => (a.jobs.length >= seen + 3 ? true : undefined), 'three refreshes');
    // Before: every refresh selected and assembled again.
    expect(selections).toBe(0);
    await fx.mempool.add(fx.tx(W.alice, W.bob, 1n, { nonce: 0n }));
    const after = a.jobs.length;
    await until(() => (a.jobs.length >= after + 2 ? true : undefined), 'refreshes after the transaction');
    expect(selections).toBeGreaterThan(0);
  });
});

describe('share crediting', () => {
  it('credits one piece of work once, whichever job id of the tip it is submitted under', async () => {
    const { server, port } = await startPool({ notifyIntervalMs: 100, refreshGraceMs: 60_000 });
    const a = await miner(port);
    // Refreshes on a quiet tip carry the same coinbase and branch: one header, several job ids.
    const [j1, j2] = await until(() => (a.jobs.length >= 3 ? [a.jobs[0]!, a.jobs[2]!] : undefined), 'three notifies');
    expect(j2.jobId).not.toBe(j1.jobId);
    expect([j2.prevhash, j2.coinb1, j2.branch]).toEqual([j1.prevhash, j1.coinb1, j1.branch]);
    const { en2, nonce } = shareOf(a, j1);
    expect((await a.submit(worker, j1, en2, nonce)).result).toBe(true);
    // The same ntime: the same header, whatever second each job was stamped in.
    expect((await a.submit(worker, j2, en2, nonce, j1.ntime)).error?.[0]).toBe(22);
    expect((await a.submit(worker, j1, en2, nonce)).error?.[0]).toBe(22);
    expect(server.shareTotals()).toMatchObject({ accepted: 1, duplicate: 2 });
  });

  it('answers 21 to a share on a live job id that was sent to another connection only', async () => {
    const { server, port } = await startPool({ notifyIntervalMs: 100, refreshGraceMs: 60_000 });
    const a = await miner(port);
    const first = a.jobs[0]!;
    await until(() => a.jobs.length >= 2, 'a refresh');
    const b = await miner(port, { name: `${formatAddress(W.bob.address)}.rig` });
    expect(b.jobs.map((j) => j.jobId)).not.toContain(first.jobId);
    const { en2, nonce } = shareOf(b, first);
    const r = await b.submit(`${formatAddress(W.bob.address)}.rig`, first, en2, nonce);
    expect(r.error?.[0]).toBe(21);
    expect(server.shareTotals().accepted).toBe(0);
  });
});

/** A bare connection that records whether the pool closed it. */
async function raw(port: number, from?: string): Promise<{ socket: Socket; closed: () => boolean }> {
  const socket = connect({ port, host: '127.0.0.1', localAddress: from });
  let closed = false;
  socket.on('close', () => (closed = true));
  socket.on('error', () => (closed = true));
  // Reads (and drops) what the pool sends, so its close is seen; pause() stops that.
  socket.resume();
  await new Promise<void>((r) => socket.once('connect', () => r()));
  afterTest(() => void socket.destroy());
  return { socket, closed: () => closed };
}

/** A connection whose kernel takes nothing until `drain()`: every byte the pool writes to it stays in its buffer. */
class StuckSocket extends Duplex {
  private held: (() => void) | undefined;
  private flowing = false;

  constructor(readonly remoteAddress: string) {
    super();
  }

  override _read(): void {}

  override _write(_chunk: unknown, _encoding: string, done: () => void): void {
    if (this.flowing) done();
    else this.held = done;
  }

  setNoDelay(): this {
    return this;
  }

  drain(): void {
    this.flowing = true;
    this.held?.();
  }

  request(obj: unknown): void {
    this.push(`${JSON.stringify(obj)}\n`);
  }
}

/** A subscribed, authorised session on a StuckSocket from `ip`. */
function stuck(server: StratumServer, ip: string): StuckSocket {
  const s = new StuckSocket(ip);
  (server as unknown as { onConnection(socket: Duplex): void }).onConnection(s);
  s.request({ id: 1, method: 'mining.subscribe', params: [] });
  s.request({ id: 2, method: 'mining.authorize', params: [worker, 'x'] });
  return s;
}

/**
 * Requests with long replies, each with an id as long as allowed, until `s` holds `bytes` unread or is
 * closed: mining.configure (each a few hundred bytes) within the control budget, then stale submits.
 */
async function fill(s: StuckSocket, bytes: number): Promise<void> {
  const names = Array.from({ length: 8 }, (_, k) => String(k).padStart(64, 'n'));
  for (let i = 0; !s.destroyed && s.writableLength < bytes; i++) {
    const id = String(i).padStart(MAX_ID_CHARS, 'i');
    if (i < CONTROL_BURST - 10) s.request({ id, method: 'mining.configure', params: [names, {}] });
    else s.request({ id, method: 'mining.submit', params: [worker, 'zz', '00000000', '00000000', '00000000'] });
    // Answered within the microtasks that follow.
    await new Promise((r) => setImmediate(r));
  }
}

describe('connection resources', () => {
  it(`closes a connection once ${MAX_UNREAD_BYTES / 1024} KiB of replies sits unread, and keeps one with less`, async () => {
    const { server } = await startPool();
    const under = stuck(server, '127.0.0.11');
    await fill(under, MAX_UNREAD_BYTES - 4096);
    const over = stuck(server, '127.0.0.12');
    // Before: the bound was 1 MiB, and 1,024 connections held 1 GiB.
    await fill(over, MAX_UNREAD_BYTES + 4096);
    expect([under.destroyed, over.destroyed]).toEqual([false, true]);
    expect(server.stats().disconnects).toMatchObject({ 'not-reading': 1 });
  });

  it('closes the connection with the most unread once all together pass the pool-wide bound, and counts what the kernel took as read', async () => {
    const { server } = await startPool({ maxUnreadBytes: 100_000 });
    const [a, b, c, d] = ['127.0.0.11', '127.0.0.12', '127.0.0.13', '127.0.0.14'].map((ip) => stuck(server, ip)) as [StuckSocket, StuckSocket, StuckSocket, StuckSocket];
    await fill(a, 40_000);
    await fill(b, 30_000);
    a.drain();
    await until(() => a.writableLength === 0, 'a to read its replies');
    await fill(c, 45_000);
    expect([a, b, c].map((s) => s.destroyed)).toEqual([false, false, false]);
    // Past 100,000 bytes in all while d's replies pile up: c holds the most, and goes.
    await fill(d, 30_000);
    expect([a, b, c, d].map((s) => s.destroyed)).toEqual([false, false, true, false]);
    expect(server.stats().disconnects).toMatchObject({ 'not-reading': 1 });
  });

  it('turns connections away beyond the pool-wide limit, whatever addresses they come from', async () => {
    const { server, port } = await startPool({ maxConnections: 3 });
    const open = [await raw(port), await raw(port), await raw(port)];
    await until(() => server.connections === 3, 'three sessions');
    const fourth = await raw(port);
    await until(() => fourth.closed(), 'the fourth connection closed', 3000);
    expect(open.map((c) => c.closed())).toEqual([false, false, false]);
    expect(server.connections).toBe(3);
    expect(server.stats().refusedConnections).toBe(1);
  });

  it('makes room in a full pool by closing the connection longest without an accepted share, once that is over a minute', async () => {
    const clock = { ms: Date.now() };
    const { server, port } = await startPool({ maxConnections: 3, now: () => clock.ms });
    const [a, b, c] = [await miner(port), await miner(port), await miner(port)];
    clock.ms += 2 * 60_000;
    expect((await b.submit(worker, b.job, '00000002', b.findNonce(b.job, '00000002'))).result).toBe(true);
    // a connected first and has shared nothing since: it goes; then c.
    const d = await raw(port);
    await until(() => a.closed, 'the quietest connection evicted');
    const e = await raw(port);
    await until(() => c.closed, 'the next quietest evicted');
    // Left: b, which shared just now, and d and e, connected just now: a newcomer is refused.
    const f = await raw(port);
    await until(() => f.closed(), 'the newcomer refused', 3000);
    expect([b.closed, d.closed(), e.closed()]).toEqual([false, false, false]);
    expect(server.connections).toBe(3);
    expect(server.stats().disconnects).toMatchObject({ evicted: 2 });
    expect(server.stats().refusedConnections).toBe(1);
  });

  it('makes room for a newcomer by closing the youngest connection that never worked, from the most crowded network group', async () => {
    const { server, port } = await startPool({ maxConnections: 4 });
    const working = await miner(port);
    const s = shareOf(working, working.job);
    expect((await working.submit(worker, working.job, s.en2, s.nonce)).result).toBe(true);
    // Each loopback address is its own network group: three idle connections from one, all within their first minute.
    const idlers = [await raw(port, '127.0.0.2'), await raw(port, '127.0.0.2'), await raw(port, '127.0.0.2')];
    const n = await raw(port, '127.0.0.3');
    await until(() => idlers[2]!.closed(), 'the youngest idler evicted');
    // Its own group, crowded as it is, makes no room for itself; another group's newcomer takes the next youngest.
    const same = await raw(port, '127.0.0.2');
    await until(() => same.closed(), 'the crowded group refused', 3000);
    const m = await raw(port, '127.0.0.4');
    await until(() => idlers[1]!.closed(), 'the next youngest idler evicted');
    expect([working.closed, idlers[0]!.closed(), n.closed(), m.closed()]).toEqual([false, false, false, false]);
    expect(server.stats().disconnects).toMatchObject({ evicted: 2 });
    expect(server.stats().refusedConnections).toBe(1);
  });

  it('closes a connection that has not authorised a worker in time, and keeps one that has', async () => {
    const { server, port } = await startPool({ authTimeoutMs: 300 });
    const idle = await raw(port);
    idle.socket.write('{"id":1,"method":"mining.subscribe","params":[]}\n');
    const good = await miner(port);
    await until(() => idle.closed(), 'the unauthorised connection closed', 3000);
    // Well past the timeout for the miner that authorised.
    await new Promise((r) => setTimeout(r, 400));
    expect(good.closed).toBe(false);
    expect(server.connections).toBe(1);
    expect(server.stats().disconnects).toMatchObject({ 'not-authorised': 1 });
  });
});

describe('idle connections', () => {
  it('closes an authorised connection with no accepted share for ten minutes, rejected ones or not, and keeps one whose last share is recent', async () => {
    const clock = { ms: Date.now() };
    const { server, port } = await startPool({ now: () => clock.ms });
    const quiet = await miner(port);
    const junk = await miner(port);
    const working = await miner(port);
    clock.ms += 9 * 60_000;
    // A rejected share costs its sender nothing: it kept a slot for ten more minutes each.
    expect((await junk.submit(worker, junk.job, '00000001', 0, '00000000')).error?.[0]).toBe(20);
    expect((await working.submit(worker, working.job, '00000002', working.findNonce(working.job, '00000002'))).result).toBe(true);
    clock.ms += 2 * 60_000;
    await until(() => quiet.closed && junk.closed, 'the quiet and the junk connections closed');
    // All were reviewed in the same pass.
    expect(working.closed).toBe(false);
    expect(server.connections).toBe(1);
    expect(server.stats().disconnects).toMatchObject({ idle: 2 });
  });
});

describe('variable difficulty', () => {
  /** Credited difficulty of each accepted share, in order. */
  function credits(server: StratumServer): number[] {
    const got: number[] = [];
    server.on('share', (_w, d, outcome) => void (outcome === 'accepted' && got.push(d)));
    return got;
  }

  /** A share for `job` that meets `difficulty` but not `harder` (nor the block target), searching from extranonce2 `from`. */
  function shareBetween(c: StratumTestClient, job: Notify, difficulty: number, harder: number, from: number): { en2: string; nonce: number } {
    const [easy, hard] = [shareTargetFor(difficulty), shareTargetFor(harder)];
    for (let e = from; ; e++) {
      const en2 = e.toString(16).padStart(8, '0');
      for (let nonce = 0; nonce < 1_000_000; nonce++) {
        const v = BigInt(`0x${Buffer.from(c.hashFor(job, en2, job.ntime, nonce)).reverse().toString('hex')}`);
        if (v <= easy && v > hard && v > blockTarget(job.nbits)) return { en2, nonce };
      }
    }
  }

  it("eases idle connections down under job ids of their own, so their changes never push another miner's job out", async () => {
    const clock = { ms: Date.now() };
    const { server, port } = await startPool({ now: () => clock.ms, maxConnectionsPerIp: 200 });
    const credited = credits(server);
    const honest = await miner(port);
    const job = honest.job;
    // More idle connections than the pool keeps jobs (64): each used to get its own re-issue of the work.
    const idle: StratumTestClient[] = [];
    for (let i = 0; i < 70; i++) idle.push(await miner(port, { name: `${formatAddress(W.bob.address)}.idle${i}` }));
    const start = idle[0]!.difficulty;
    // Silence long enough (4 share intervals, past a review window): vardiff eases every connection down at its next idle review.
    clock.ms += 21_000;
    await until(() => [honest, ...idle].every((c) => c.difficulty < start && c.jobs.length === 2), 'every connection eased down and re-sent its work');
    // Each got the same work again under an alias of its own job id.
    expect(idle.every((c) => c.jobs[1]!.jobId.startsWith(`${job.jobId}.`) && c.jobs[1]!.coinb1 === job.coinb1)).toBe(true);
    // The honest miner's original job is still in the pool's list: a share in flight on it is taken, counted (as
    // every share of that work, until the old id goes) at the easier difficulty of the alias.
    const old = shareBetween(honest, job, start, 1, 1);
    const easier = honest.difficulty;
    expect((await honest.submit(worker, job, old.en2, old.nonce)).result).toBe(true);
    const fresh = shareBetween(honest, honest.job, easier, start, 1000);
    expect((await honest.submit(worker, honest.job, fresh.en2, fresh.nonce)).result).toBe(true);
    expect(credited).toEqual([easier, easier]);
    // An idle connection never moved to its alias: its original id stops counting after the grace.
    clock.ms += SUPERSEDED_GRACE_MS;
    const gone = shareOf(idle[0]!, idle[0]!.jobs[0]!);
    expect((await idle[0]!.submit(`${formatAddress(W.bob.address)}.idle0`, idle[0]!.jobs[0]!, gone.en2, gone.nonce)).error?.[0]).toBe(21);
  }, 20_000);

  it('never eases a connection below the PPLNS window over a tenth of its record bound, so floor shares cannot flush the window', async () => {
    const clock = { ms: Date.now() };
    const { port } = await startPool({ now: () => clock.ms });
    const c = await miner(port);
    // The window is 1,000 initial difficulties here (the test network's blocks are easier than that over two).
    const floor = (1_000 * 1e-7) / WINDOW_FILL_SHARES;
    for (let i = 0; i < 3; i++) {
      const before = c.jobs.length;
      clock.ms += 21_000;
      await until(() => c.difficulty <= floor || c.jobs.length > before, 'an idle review');
    }
    // 1e-7, 2.5e-8, then the floor; at initial / 1,024 (9.8e-11) 100,000 records held a tenth of the window's work.
    expect(c.difficulty).toBe(floor);
  }, 40_000);

  it('credits the same work at its easiest live job id after a raise, once per header, and at the new difficulty once the miner moved to it', async () => {
    // The clock stands still: 16 quick shares make a burst far above the aimed-at rate, and vardiff raises 4x.
    const clock = { ms: Date.now() };
    const { server, port } = await startPool({ now: () => clock.ms });
    const credited = credits(server);
    const c = await miner(port);
    const job = c.job;
    const d = c.difficulty;
    for (let i = 0; i < 16; i++) {
      const s = shareOf(c, job, 1 + i * 100);
      expect((await c.submit(worker, job, s.en2, s.nonce)).result).toBe(true);
    }
    await until(() => c.jobs.length === 2, 'the work re-sent after the raise');
    const alias = c.job;
    expect(c.difficulty).toBe(4 * d);
    expect(alias.jobId.startsWith(`${job.jobId}.`)).toBe(true);
    expect(alias.clean).toBe(true);
    // A share in flight on the original id is judged and credited at d.
    const lucky = shareOf(c, job, 7000);
    expect((await c.submit(worker, job, lucky.en2, lucky.nonce)).result).toBe(true);
    // While the original id is live, the same hashes named under the alias count at d too: credited at the
    // id named, a miner sent each hash under the hardest id whose target it met (2.5x its work).
    const hard = shareOf(c, alias, 5000);
    expect((await c.submit(worker, alias, hard.en2, hard.nonce)).result).toBe(true);
    // A share accepted on the alias says the miner moved: the original id stops counting at once.
    expect((await c.submit(worker, job, hard.en2, hard.nonce)).error?.[0]).toBe(21);
    expect((await c.submit(worker, alias, hard.en2, hard.nonce)).error?.[0]).toBe(22);
    const hard2 = shareOf(c, alias, 9000);
    expect((await c.submit(worker, alias, hard2.en2, hard2.nonce)).result).toBe(true);
    const low = shareBetween(c, alias, d, 4 * d, 6000);
    expect((await c.submit(worker, alias, low.en2, low.nonce)).error?.[0]).toBe(23);
    expect(credited).toEqual([...Array(16).fill(d), d, d, 4 * d]);
    expect(server.shareTotals()).toMatchObject({ accepted: 19, lowDifficulty: 1, duplicate: 1, stale: 1 });
    expect(c.closed).toBe(false);
  }, 20_000);
});

describe('worker names', () => {
  it('authorises rig names of up to 64 letters, digits and _ . - only, and lists no worker that has no accepted share', async () => {
    const { server, port } = await startPool();
    const c = await miner(port);
    const addr = formatAddress(W.bob.address);
    const answers = [];
    for (const name of [addr, `${addr}.rig-1_a.b`, `${addr}.${'x'.repeat(64)}`, `${addr}.${'x'.repeat(65)}`, `${addr}.`, `${addr}.a b`, `${addr}.a"b`, `${addr}.é`]) {
      answers.push((await c.call('mining.authorize', [name, 'x'])).error?.[0] ?? 'ok');
    }
    expect(answers).toEqual(['ok', 'ok', 'ok', 24, 24, 24, 24, 24]);
    // Authorised, but only ever rejected: the shares count in the totals, not as a worker row.
    for (let i = 0; i < 5; i++) await c.submit(`${addr}.rig-1_a.b`, c.job, '00000001', i, '00000000');
    expect(server.shareTotals().invalid).toBe(5);
    expect(server.stats()).toMatchObject({ workerCount: 0, workers: [] });
  });
});

describe('floods of shares', () => {
  /** A submit line for a share that surely misses the client's share target. */
  function junk(c: StratumTestClient, job: Notify, i: number, id: number): string {
    const en2 = (0x10000000 + i).toString(16);
    const nonce = c.findNonce(job, en2, true);
    return `${JSON.stringify({ id, method: 'mining.submit', params: [worker, job.jobId, en2, job.ntime, nonce.toString(16).padStart(8, '0')] })}\n`;
  }

  it(`closes a connection after ${MAX_REJECT_RUN} rejected shares in a row, having judged no more than that`, async () => {
    const { server, port } = await startPool();
    const c = await miner(port);
    const n = MAX_REJECT_RUN + 50;
    const replies = answers(c, n);
    c.writeRaw(Array.from({ length: n }, (_, i) => junk(c, c.job, i, 1_000_000 + i)).join(''));
    const got = await replies;
    await until(() => c.closed, 'the connection closed');
    expect(got.length).toBe(MAX_REJECT_RUN);
    expect(got.every((r) => r.error?.[0] === 23)).toBe(true);
    expect(server.shareTotals().lowDifficulty).toBe(MAX_REJECT_RUN);
    expect(server.stats().disconnects).toMatchObject({ 'rejected-shares': 1 });
  });

  it(`excuse stale and made-up job ids up to ${EXCUSED_PER_IP_BURST} at once per address, across its connections; past that they close them, and the rigs beside them still get paid`, async () => {
    // The pool's clock held still: no budget refills while the lines are worked through.
    const at = Date.now();
    const { server, port } = await startPool({ now: () => at });
    const honest = await miner(port);
    const conns = [await miner(port), await miner(port), await miner(port), await miner(port)];
    // Each connection within its own submit burst (500): 1,600 made-up ids, 600 past the address's excuses.
    const per = 400;
    for (const c of conns) c.writeRaw(Array.from({ length: per }, (_, i) => `${JSON.stringify({ id: 1_000_000 + i, method: 'mining.submit', params: [worker, `ff${i.toString(16)}`, '00000001', c.job.ntime, '00000000'] })}\n`).join(''));
    await until(() => conns.filter((c) => c.closed).length >= 2, 'the floods closed');
    expect(server.stats().disconnects).toMatchObject({ 'rejected-shares': conns.filter((c) => c.closed).length });
    // Excused at most once each of the 1,000, plus at most 100 in a row per connection before its close.
    expect(server.shareTotals().stale).toBeLessThanOrEqual(EXCUSED_PER_IP_BURST + conns.length * MAX_REJECT_RUN);
    const s = shareOf(honest, honest.job);
    expect((await honest.submit(worker, honest.job, s.en2, s.nonce)).result).toBe(true);
  });

  it('keeps a connection whose rejected runs are broken by accepted shares, and past its budget still judges its shares but credits none', async () => {
    // The pool's clock held still: the budget does not refill while a loaded machine works through the lines.
    const at = Date.now();
    const { server, port } = await startPool({ now: () => at });
    const c = await miner(port);
    const job = c.job;
    const round = MAX_REJECT_RUN;
    const rounds = Math.ceil(SUBMIT_BURST / round) + 1;
    const lines: string[] = [];
    for (let r = 0; r < rounds; r++) {
      for (let i = 0; i < round - 1; i++) lines.push(junk(c, job, r * round + i, 1_000_000 + lines.length));
      const { en2, nonce } = shareOf(c, job, 1 + r * 1000);
      lines.push(`${JSON.stringify({ id: 1_000_000 + lines.length, method: 'mining.submit', params: [worker, job.jobId, en2, job.ntime, nonce.toString(16).padStart(8, '0')] })}\n`);
    }
    const replies = answers(c, lines.length);
    c.writeRaw(lines.join(''));
    const got = await replies;
    expect(c.closed).toBe(false);
    expect(got.length).toBe(lines.length);
    // The last round came after the burst: its good share was judged, and refused uncredited.
    expect(got.filter((r) => r.error?.[1] === 'too many submits; slow down').length).toBe(1);
    expect(server.shareTotals()).toMatchObject({ accepted: rounds - 1, lowDifficulty: rounds * (round - 1) });
  });

  it(`turn an address away for a while once its connections had ${REJECTED_PER_IP_BURST} shares hashed and found wanting, however often it reconnects`, async () => {
    const clock = { ms: Date.now() };
    const { server, port } = await startPool({ now: () => clock.ms });
    // Before: each connection closed after its run of 100, and the next started a fresh one (200,000 hashed in 12 s).
    for (let k = 0; k < REJECTED_PER_IP_BURST / MAX_REJECT_RUN; k++) {
      const c = await miner(port);
      c.writeRaw(Array.from({ length: MAX_REJECT_RUN }, (_, i) => junk(c, c.job, i, 1_000_000 + i)).join(''));
      await until(() => c.closed, 'the run closed');
    }
    const last = await miner(port);
    last.writeRaw(Array.from({ length: 10 }, (_, i) => junk(last, last.job, i, 1_000_000 + i)).join(''));
    await until(() => last.closed, 'the address budget closed');
    expect(server.shareTotals().lowDifficulty).toBe(REJECTED_PER_IP_BURST + 1);
    const turned = await raw(port);
    await until(() => turned.closed(), 'the address turned away');
    expect(server.stats().refusedConnections).toBe(1);
    // Another address is served meanwhile, and this one again after the cool-off.
    const other = await reader(port, '127.0.0.2');
    other.socket.write('{"id":1,"method":"mining.subscribe","params":[]}\n');
    await until(() => other.messages.length === 1, 'the answer to another address');
    clock.ms += REJECT_COOL_OFF_MS;
    expect((await miner(port)).closed).toBe(false);
    expect(server.stats().refusedConnections).toBe(1);
  }, 20_000);
});

describe('requests other than submits', () => {
  it(`close a connection past ${CONTROL_BURST} in a burst, while a proxy authorising 64 rigs and the miners beside it are served`, async () => {
    const at = Date.now();
    const { server, port } = await startPool({ now: () => at });
    const honest = await miner(port);
    const proxy = await miner(port, { name: `${formatAddress(W.alice.address)}.rig0` });
    for (let i = 1; i < 64; i++) expect((await proxy.call('mining.authorize', [`${formatAddress(W.alice.address)}.rig${i}`, 'x'])).result).toBe(true);
    const flooder = new StratumTestClient();
    await flooder.connect(port);
    afterTest(() => flooder.close());
    flooder.writeRaw(Array.from({ length: CONTROL_BURST + 50 }, (_, i) => `${JSON.stringify({ id: i, method: 'mining.nothing', params: [] })}\n`).join(''));
    await until(() => flooder.closed, 'the flooder closed');
    expect(flooder.responses).toBeLessThanOrEqual(CONTROL_BURST);
    expect(server.stats().disconnects).toMatchObject({ 'request-flood': 1 });
    expect(proxy.closed).toBe(false);
    const s = shareOf(honest, honest.job);
    expect((await honest.submit(worker, honest.job, s.en2, s.nonce)).result).toBe(true);
  }, 20_000);
});

describe('blank lines', () => {
  it(`close a connection past ${BLANK_LINE_ALLOWANCE} of them, "\\n" or "\\r\\n", and keep one that ends each request with one, and the miners beside them`, async () => {
    const { server, port } = await startPool();
    const honest = await miner(port);
    const lf = await raw(port);
    const crlf = await raw(port);
    lf.socket.write('\n'.repeat(1 << 20));
    crlf.socket.write('\r\n'.repeat(1 << 19));
    // Before: no budget counted them, and the pool read the 2 MiB a slice a turn, and more for as long as they came.
    await until(() => lf.closed() && crlf.closed(), 'the blank-line senders closed', 5_000);
    expect(server.stats().disconnects).toMatchObject({ 'request-flood': 2 });
    // Its allowance spent at once, then a blank line after each request: more blank lines in all than the allowance.
    const padded = await reader(port);
    const requests = CONTROL_BURST - 10;
    padded.socket.write('\r\n'.repeat(BLANK_LINE_ALLOWANCE));
    padded.socket.write(Array.from({ length: requests }, (_, i) => `${JSON.stringify({ id: i, method: 'mining.nothing', params: [] })}\r\n\r\n`).join(''));
    await until(() => padded.messages.length === requests || padded.closed(), 'the answers');
    expect(padded.closed()).toBe(false);
    expect(padded.messages.map((m) => m.id)).toEqual(Array.from({ length: requests }, (_, i) => i));
    const s = shareOf(honest, honest.job);
    expect((await honest.submit(worker, honest.job, s.en2, s.nonce)).result).toBe(true);
  }, 20_000);

  it(`allow ${BLANK_LINE_ALLOWANCE} beyond the one after a request, and close a connection at the next`, async () => {
    const { port } = await startPool();
    const [within, past] = [await reader(port), await reader(port)];
    const request = (id: number) => `${JSON.stringify({ id, method: 'mining.nothing', params: [] })}\n`;
    within.socket.write(request(1) + '\n'.repeat(BLANK_LINE_ALLOWANCE + 1));
    past.socket.write(request(1) + '\n'.repeat(BLANK_LINE_ALLOWANCE + 2));
    await until(() => past.closed(), 'the connection past the allowance closed', 5_000);
    // Before: closed at the 101st, one short of what the documentation allows.
    within.socket.write(request(2));
    await until(() => within.messages.length === 2 || within.closed(), 'the second answer');
    expect(within.closed()).toBe(false);
  });
});

/** A connection in process: `send` hands the pool bytes at once, and each answer is in `answers` as soon as the pool writes it. */
class ScriptedSocket extends Duplex {
  readonly answers: { id: unknown; error: unknown }[] = [];
  onAnswer: (() => void) | undefined;
  private partial = '';

  constructor(readonly remoteAddress: string) {
    super();
  }

  override _read(): void {}

  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    const lines = (this.partial + chunk.toString()).split('\n');
    this.partial = lines.pop()!;
    for (const line of lines) {
      const m = JSON.parse(line) as { id: unknown; error: unknown };
      if (m.id === null) continue;
      this.answers.push(m);
      this.onAnswer?.();
    }
    done();
  }

  setNoDelay(): this {
    return this;
  }

  send(text: string): void {
    this.push(text);
  }
}

async function scripted(server: StratumServer, ip: string): Promise<ScriptedSocket> {
  const s = new ScriptedSocket(ip);
  (server as unknown as { onConnection(socket: Duplex): void }).onConnection(s);
  // Flowing from here on: what is sent is read at once.
  await new Promise((r) => setImmediate(r));
  return s;
}

describe('reading in turns', () => {
  it("answers another connection, and runs timers, while a connection's buffered lines wait their turn, and leaves what it sent after them unread until then", async () => {
    const { server } = await startPool();
    const flooder = await scripted(server, '10.0.0.1');
    const neighbour = await scripted(server, '10.0.0.2');
    // Requests, each answered, and each followed by a blank line (within BLANK_LINE_ALLOWANCE however many come).
    const flood = (from: number) => Array.from({ length: CONTROL_BURST }, (_, i) => ((from + i) % 2 === 0 ? JSON.stringify({ id: from + i, method: 'mining.nothing', params: [] }) : '')).join('\n') + '\n';
    const [first, second] = [flood(0), flood(CONTROL_BURST)];
    let seenByNeighbour = -1;
    let seenByTimer = -1;
    let unreadByPool = -1;
    neighbour.onAnswer = () => {
      seenByNeighbour = flooder.answers.length;
      unreadByPool = flooder.readableLength;
    };
    flooder.send(first);
    flooder.send(second);
    neighbour.send(`${JSON.stringify({ id: 'n', method: 'mining.nothing', params: [] })}\n`);
    setTimeout(() => (seenByTimer = flooder.answers.length), 0);
    await until(() => flooder.answers.length === CONTROL_BURST, "all of the flooder's requests answered");
    // Before: the lines were all handled in the read that brought them, and whatever waited behind them after.
    expect(seenByNeighbour).toBeGreaterThanOrEqual(0);
    // Not all: the exact count depends on how many turns a loaded machine runs before them.
    expect(seenByNeighbour).toBeLessThan(CONTROL_BURST);
    expect(seenByTimer).toBeLessThan(CONTROL_BURST);
    // The pool held the first read only; the second stayed with the socket (in the kernel, for TCP) until its turn.
    expect(unreadByPool).toBe(Buffer.byteLength(second));
    expect(neighbour.answers).toEqual([{ id: 'n', result: null, error: [20, 'unknown method mining.nothing', null] }]);
    expect(flooder.answers.map((a) => a.id)).toEqual(Array.from({ length: CONTROL_BURST }, (_, i) => i * 2));
    expect(flooder.destroyed).toBe(false);
  });

  it(`reads no more than a slice of a connection's buffered lines past the run of ${MAX_REJECT_RUN} rejects that closes it, and drops the rest unread`, async () => {
    const { server } = await startPool();
    const flooder = await scripted(server, '10.0.0.1');
    const parse = vi.spyOn(JSON, 'parse');
    try {
      // Not authorised: each share is refused without hashing, and counts toward the run.
      flooder.send(Array.from({ length: 10_000 }, (_, i) => `${JSON.stringify({ id: i, method: 'mining.submit', params: [worker, 'j', '00000000', '00000000', '00000000'] })}\n`).join(''));
      await until(() => flooder.destroyed, 'the flooder closed');
      // Before: every line of the read was parsed and queued before the first of them was judged.
      const parsed = parse.mock.calls.filter(([text]) => typeof text === 'string' && text.includes('"mining.submit"')).length;
      expect(parsed).toBeGreaterThanOrEqual(MAX_REJECT_RUN);
      expect(parsed).toBeLessThanOrEqual(MAX_REJECT_RUN + LINES_PER_SLICE);
    } finally {
      parse.mockRestore();
    }
    expect(flooder.answers.length).toBe(MAX_REJECT_RUN);
    expect(server.stats().disconnects).toMatchObject({ 'rejected-shares': 1 });
  });

  it(`closes a connection at a line over ${MAX_LINE_BYTES} bytes, once the lines before it had their turn, or at one that has no end yet`, async () => {
    const { server } = await startPool();
    const behind = await scripted(server, '10.0.0.1');
    const open = await scripted(server, '10.0.0.2');
    const requests = Array.from({ length: 3 * LINES_PER_SLICE }, (_, i) => `${JSON.stringify({ id: i, method: 'mining.nothing', params: [] })}\n`).join('');
    behind.send(`${requests}${' '.repeat(MAX_LINE_BYTES + 1)}{}\n${JSON.stringify({ id: 'after', method: 'mining.nothing', params: [] })}\n`);
    open.send('x'.repeat(MAX_LINE_BYTES + 1));
    await until(() => behind.destroyed && open.destroyed, 'both closed');
    expect(behind.answers.length).toBe(3 * LINES_PER_SLICE);
    expect(server.stats().disconnects).toMatchObject({ 'line-too-long': 2 });
  });
});

describe('submits past the budget', () => {
  const sha256d = (b: Buffer) => createHash('sha256').update(createHash('sha256').update(b).digest()).digest();

  /** `n` distinct shares for `job` at `difficulty` that are not blocks, and one block share after them. */
  function shares(c: StratumTestClient, job: Notify, difficulty: number, n: number): { en2: string; nonce: number }[] {
    const [share, block] = [shareTargetFor(difficulty), blockTarget(job.nbits)];
    const out: { en2: string; nonce: number }[] = [];
    let found: { en2: string; nonce: number } | undefined;
    for (let e = 1; out.length < n || !found; e++) {
      const en2 = e.toString(16).padStart(8, '0');
      const header = c.headerFor(job, en2, job.ntime, 0);
      for (let nonce = 0; nonce < 4096; nonce++) {
        header.writeUInt32LE(nonce, 76);
        const v = BigInt(`0x${Buffer.from(sha256d(header)).reverse().toString('hex')}`);
        if (v <= block) found ??= { en2, nonce };
        else if (v <= share && out.length < n) out.push({ en2, nonce });
      }
    }
    return [...out, found];
  }

  const line = (job: Notify, s: { en2: string; nonce: number }, id: number) => `${JSON.stringify({ id, method: 'mining.submit', params: [worker, job.jobId, s.en2, job.ntime, s.nonce.toString(16).padStart(8, '0')] })}\n`;

  it('raise a fast miner 4x at once, set_difficulty before the work again, take a block among them, and close nothing while the raise is young', async () => {
    const at = Date.now();
    // Vardiff's reviews held off, so the raise seen is the budget's; floor difficulty (3e-9, a share in ~13 hashes).
    const { server, port, fx } = await startPool({ now: () => at, varDiff: false, initialDifficulty: 1e-9, windowDifficulty: 1e-9 });
    const c = await miner(port);
    const notified: [string, number][] = [];
    c.onNotify = (j, d) => notified.push([j.jobId, d]);
    const job = c.job;
    const d0 = c.difficulty;
    // More than the budget and the refusals together, all found before the miner could hear of a raise.
    const n = SUBMIT_BURST + REFUSED_SUBMIT_BURST + 100;
    const list = shares(c, job, d0, n);
    const replies = answers(c, list.length);
    const height = fx.chain.height;
    c.writeRaw(list.map((s, i) => line(job, s, 1_000_000 + i)).join(''));
    const got = await replies;
    expect(c.closed).toBe(false);
    expect(got.length).toBe(n + 1);
    const byId = new Map(got.map((r) => [r.id - 1_000_000, r]));
    const result = (from: number, to: number) => new Set(Array.from({ length: to - from }, (_, i) => byId.get(from + i)?.error?.[1] ?? byId.get(from + i)?.result));
    expect(result(0, SUBMIT_BURST)).toEqual(new Set([true]));
    expect(result(SUBMIT_BURST, n)).toEqual(new Set(['too many submits; slow down']));
    // Before: refused unjudged, the block was lost.
    expect(byId.get(n)?.result).toBe(true);
    await until(() => fx.chain.height === height + 1, 'the block connected');
    expect(server.shareTotals().accepted).toBe(SUBMIT_BURST + 1);
    // Raised once (not again for the shares found before the raise reached the miner), and told so before the work under its new id.
    expect(notified[0]).toEqual([`${job.jobId}.1`, 4 * d0]);
    expect(c.difficulty).toBe(4 * d0);
  }, 30_000);

  it(`close a flood once ${REFUSED_SUBMIT_BURST} more came at once and no raise to a new difficulty is young, judging none of those past the budget`, async () => {
    const at = Date.now();
    const { server, port, fx } = await startPool({ now: () => at });
    const c = await miner(port);
    const d0 = c.difficulty;
    // Sent 4x its difficulty once, then back: raised again to it, it buys no grace.
    for (const d of [4 * d0, d0]) {
      expect((await c.call('mining.suggest_difficulty', [d])).result).toBe(true);
      await until(() => c.difficulty === d, 'the suggested difficulty');
    }
    const old = c.job;
    await fx.mine(1);
    await until(() => c.job !== old, 'a job on the new tip');
    const n = SUBMIT_BURST + REFUSED_SUBMIT_BURST + 100;
    // A job id it was sent, retired by the block: stale, and past the budget refused unjudged.
    c.writeRaw(Array.from({ length: n }, (_, i) => `${JSON.stringify({ id: 10 + i, method: 'mining.submit', params: [worker, old.jobId, '00000000', c.job.ntime, '00000000'] })}\n`).join(''));
    await until(() => c.closed, 'the flooder closed');
    expect(server.stats().disconnects).toMatchObject({ 'request-flood': 1, 'rejected-shares': 0 });
    expect(server.shareTotals().stale).toBe(SUBMIT_BURST);
  }, 20_000);
});

describe('mining.suggest_difficulty', () => {
  it('is taken within the floor and the block difficulty: before work at the first notify, after it at once, set_difficulty before the work again', async () => {
    const { server, port } = await startPool();
    const block = server.blockDifficulty(server.currentJob()!);
    const floor = (1_000 * 1e-7) / WINDOW_FILL_SHARES;
    const c = new StratumTestClient();
    await c.connect(port);
    afterTest(() => c.close());
    const notified: number[] = [];
    c.onNotify = (_j, d) => notified.push(d);
    await c.subscribe();
    // Before: answered "unknown method", and every connection started at the initial difficulty.
    expect((await c.call('mining.suggest_difficulty', [1e-6])).result).toBe(true);
    expect((await c.call('mining.authorize', [worker, 'x'])).result).toBe(true);
    await until(() => notified.length === 1, 'the first notify');
    for (const [suggested, sent] of [[1e6, block], [1e-15, floor], [2e-7, 2e-7]] as const) {
      const before = notified.length;
      expect((await c.call('mining.suggest_difficulty', [suggested])).result).toBe(true);
      await until(() => notified.length === before + 1, 'the work again');
      expect([notified.at(-1), c.job.clean]).toEqual([sent, true]);
    }
    expect(notified[0]).toBe(1e-6);
    expect((await c.call('mining.suggest_difficulty', ['x'])).error?.[0]).toBe(20);
    const s = shareOf(c, c.job);
    expect((await c.submit(worker, c.job, s.en2, s.nonce)).result).toBe(true);
    expect(c.closed).toBe(false);
  });
});

describe('the PPLNS window', () => {
  it('keeps every share while their difficulties add up to less than two blocks, however low the configured window', async () => {
    // A window floor far below one share: fixed at it, the window held the finder's share alone.
    const { server, port } = await startPool({ windowDifficulty: 1e-9 });
    const alice = await miner(port);
    const bob = await miner(port, { name: formatAddress(W.bob.address) });
    for (let i = 0; i < 3; i++) {
      const s = shareOf(alice, alice.job, 1 + i * 1000);
      expect((await alice.submit(worker, alice.job, s.en2, s.nonce)).result).toBe(true);
    }
    // Bob's shares, none of them a block (a block's split would depend on luck: past two blocks of work,
    // Alice's shares leave the window, as they should).
    for (let i = 0; i < 5; i++) {
      const s = shareOf(bob, bob.job, 1 + i * 1000);
      expect((await bob.submit(formatAddress(W.bob.address), bob.job, s.en2, s.nonce)).result).toBe(true);
    }
    expect(server.stats()).toMatchObject({ pplnsShares: 8 });
  }, 30_000);

  it('lists the 16 largest shares of a found block in the stats and counts every payee; the payouts get the whole split', async () => {
    // A window of a thousand shares' difficulty: none of these leaves it before the block (at twice the block's
    // difficulty, Bob's shares pushed the rigs' out about one run in seven).
    const { server, port } = await startPool({ windowDifficulty: 1e-3 });
    const paid = new Map<string, bigint>();
    server.on('block', (b) => b.split.forEach((v, a) => paid.set(a, v)));
    const proxy = await miner(port);
    const rigs = Array.from({ length: 18 }, (_, i) => formatAddress(Uint8Array.from({ length: 20 }, (_, j) => (i * 31 + j * 7 + 1) & 0xff)));
    for (const [i, addr] of rigs.entries()) {
      expect((await proxy.call('mining.authorize', [addr, 'x'])).result).toBe(true);
      const s = shareOf(proxy, proxy.job, 1 + i * 1000);
      expect((await proxy.submit(addr, proxy.job, s.en2, s.nonce)).result).toBe(true);
    }
    const bob = await miner(port, { name: formatAddress(W.bob.address) });
    for (let e = 1; server.blocks.length === 0; e++) {
      const en2 = e.toString(16).padStart(8, '0');
      await bob.submit(formatAddress(W.bob.address), bob.job, en2, bob.findNonce(bob.job, en2));
    }
    const block = server.blocks[0]!;
    expect([block.split.size, block.payees, paid.size]).toEqual([16, 19, 19]);
    // Those listed are the largest: none left out was paid more than any listed.
    const listed = [...block.split.values()];
    const left = [...paid].filter(([a]) => !block.split.has(a)).map(([, v]) => v);
    expect(left.every((v) => listed.every((l) => l >= v))).toBe(true);
  }, 30_000);
});

describe('BIP310', () => {
  it('answers mining.configure with version rolling on and other asked extensions off, and a miner that rolls nothing mines on', async () => {
    const { port } = await startPool();
    const c = await miner(port);
    const r = await c.call('mining.configure', [['version-rolling', 'minimum-difficulty'], { 'version-rolling.mask': '1fffe000', 'version-rolling.min-bit-count': 2 }]);
    expect(r).toMatchObject({ result: { 'version-rolling': true, 'version-rolling.mask': '1fffe000', 'minimum-difficulty': false }, error: null });
    const s = shareOf(c, c.job);
    expect((await c.submit(worker, c.job, s.en2, s.nonce)).result).toBe(true);
  });
});

describe('stale shares', () => {
  it(`keep a connection that had ${MAX_REJECT_RUN + 50} shares in flight when a block retired their job, and count as stale`, async () => {
    const { server, port, fx } = await startPool();
    const c = await miner(port);
    const old = c.job;
    const shares = Array.from({ length: MAX_REJECT_RUN + 50 }, (_, i) => shareOf(c, old, 1 + i * 1000));
    await fx.mine(1, { miner: W.minerB });
    await until(() => c.job.jobId !== old.jobId, 'work on the new tip');
    const errors = new Set<string>();
    for (const s of shares) errors.add(String((await c.submit(worker, old, s.en2, s.nonce)).error?.[0]));
    expect([...errors]).toEqual(['21']);
    expect(c.closed).toBe(false);
    expect(server.shareTotals().stale).toBe(shares.length);
    const fresh = shareOf(c, c.job);
    expect((await c.submit(worker, c.job, fresh.en2, fresh.nonce)).result).toBe(true);
    expect(server.stats().disconnects).toMatchObject({ 'rejected-shares': 0 });
  }, 20_000);
});

describe('share limit per tip', () => {
  it(`keeps a connection whose good shares are refused at the pool's share limit, past ${MAX_REJECT_RUN} in a row`, async () => {
    const { server, port } = await startPool({ maxSharesPerTip: 1 });
    const c = await miner(port);
    const job = c.job;
    const first = shareOf(c, job);
    expect((await c.submit(worker, job, first.en2, first.nonce)).result).toBe(true);
    const errors = new Set<string>();
    for (let i = 0; i < MAX_REJECT_RUN + 20; i++) {
      const s = shareOf(c, job, 100 + i * 100);
      const r = await c.submit(worker, job, s.en2, s.nonce);
      errors.add(`${r.error?.[0]} ${r.error?.[1]}`);
    }
    expect([...errors]).toEqual(['21 share limit for this block reached; wait for the next block']);
    expect(c.closed).toBe(false);
    expect(server.connections).toBe(1);
    expect(server.stats().disconnects).toMatchObject({ 'rejected-shares': 0 });
    // Junk still counts toward the run.
    for (let i = 0; i < MAX_REJECT_RUN; i++) expect((await c.submit(worker, job, '00000001', i, '00000000')).error?.[0]).toBe(20);
    await until(() => c.closed, 'the junk sender closed');
    expect(server.stats().disconnects).toMatchObject({ 'rejected-shares': 1 });
  }, 20_000);
});

describe('share times', () => {
  it('accepts ntime rolled forward within a minute of the later of the job time and the clock, and refuses it beyond with 20', async () => {
    const clock = { ms: Date.now() };
    const { server, port } = await startPool({ now: () => clock.ms });
    const c = await miner(port);
    const job = c.job;
    const latest = Math.max(parseInt(job.ntime, 16), Math.floor(clock.ms / 1000));
    const shareAt = (ntime: number, from: number): { en2: string; nonce: number; ntime: string } => {
      const hex = ntime.toString(16).padStart(8, '0');
      for (let e = from; ; e++) {
        const en2 = e.toString(16).padStart(8, '0');
        for (let nonce = 0; nonce < 100_000; nonce++) {
          const v = BigInt(`0x${Buffer.from(c.hashFor(job, en2, hex, nonce)).reverse().toString('hex')}`);
          if (v <= c.shareTarget()) {
            if (v > blockTarget(job.nbits)) return { en2, nonce, ntime: hex };
            break;
          }
        }
      }
    };
    const rolled = shareAt(latest + 60, 1);
    expect((await c.submit(worker, job, rolled.en2, rolled.nonce, rolled.ntime)).result).toBe(true);
    const ahead = shareAt(latest + 61, 1000);
    const r = await c.submit(worker, job, ahead.en2, ahead.nonce, ahead.ntime);
    expect(r.error).toEqual([20, 'ntime out of range', null]);
    expect(server.shareTotals()).toMatchObject({ accepted: 1, invalid: 1 });
  });
});

describe('share times at a retarget boundary', () => {
  it("refuses with 20 a share whose ntime is below BIP94's floor, which the template keeps to, and takes one at it", async () => {
    const fx = await ChainFixture.create({ params: RETARGET_PARAMS });
    afterTest(() => fx.close());
    const now = fx.clock.now;
    for (let h = 1; h < RETARGET_PARAMS.retargetInterval - 1; h++) await fx.mine(1, { time: now - 1000 + 30 * h });
    // The window's last block stamped 50 minutes ahead (legal: under 2 h): the next may be at most 10 minutes before it.
    await fx.mine(1, { time: now + 3000 });
    const server = new StratumServer({ chain: fx.chain, mempool: fx.mempool, params: fx.params, log: fx.log, host: '127.0.0.1', port: 0, poolAddress: formatAddress(W.minerA.address), initialDifficulty: 1e-7, now: () => fx.clock.now * 1000 });
    const port = await server.start();
    afterTest(() => server.stop());
    const c = await miner(port);
    const job = c.job;
    const floor = now + 3000 - RETARGET_PARAMS.maxTimewarp;
    expect(parseInt(job.ntime, 16)).toBe(floor);
    // A miner that sets ntime from its own clock: after the median time past, below the floor. Before: credited, and its block refused.
    const block = (ntime: number): { en2: string; nonce: number; ntime: string } => {
      const hex = ntime.toString(16).padStart(8, '0');
      let nonce = 0;
      while (BigInt(`0x${Buffer.from(c.hashFor(job, '00000001', hex, nonce)).reverse().toString('hex')}`) > blockTarget(job.nbits)) nonce++;
      return { en2: '00000001', nonce, ntime: hex };
    };
    const early = block(now);
    expect((await c.submit(worker, job, early.en2, early.nonce, early.ntime)).error).toEqual([20, 'ntime out of range', null]);
    const height = fx.chain.height;
    const at = block(floor);
    expect((await c.submit(worker, job, at.en2, at.nonce, at.ntime)).result).toBe(true);
    await until(() => fx.chain.height === height + 1, 'the block connected');
    expect(server.shareTotals()).toMatchObject({ accepted: 1, invalid: 1 });
  });
});

describe('extranonce1', () => {
  it('is never one a live session holds, also once the 32-bit counter wraps after 2^32 connections', async () => {
    const { server, port } = await startPool();
    const first = await miner(port);
    const second = await miner(port);
    expect([first.extranonce1, second.extranonce1]).toEqual(['01000000', '02000000']);
    // 2^32 connections later, the next ids' low 32 bits are 1, 2, 3: the first two are live.
    (server as unknown as { nextSessionId: number }).nextSessionId = 2 ** 32 + 1;
    const wrapped = await miner(port);
    expect(wrapped.extranonce1).toBe('03000000');
    await first.close();
    await until(() => server.connections === 2, 'the first session to close');
    (server as unknown as { nextSessionId: number }).nextSessionId = 2 ** 33 + 1;
    expect((await miner(port)).extranonce1).toBe('01000000');
  });
});
