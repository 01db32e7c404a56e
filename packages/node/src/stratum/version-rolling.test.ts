import { afterEach, describe, expect, it } from 'vitest';
import { MAX_REJECT_RUN } from './session.js';
import { REJECTED_PER_IP_BURST } from './server.js';
import { blockId, blockNonce, cleanUp, connect, miner, shareOf, startPool, until, worker } from '../test-support/stratum-pool.js';
import { POOL_VERSION_MASK, negotiateVersionRolling, rollVersion } from './version-rolling.js';

afterEach(cleanUp);

const rolling = (mask?: string, minBits?: number) => [['version-rolling'], { 'version-rolling.mask': mask, 'version-rolling.min-bit-count': minBits }];

describe('BIP310 version rolling', () => {
  it('agrees on the bits both sides allow, and declines fewer than the miner needs or a mask that is no hex number', () => {
    expect(negotiateVersionRolling({})).toBe(POOL_VERSION_MASK);
    expect(negotiateVersionRolling({ 'version-rolling.mask': 'ffffffff', 'version-rolling.min-bit-count': 16 })).toBe(0x1fffe000);
    expect(negotiateVersionRolling({ 'version-rolling.mask': '00fff000', 'version-rolling.min-bit-count': 2 })).toBe(0x00ffe000);
    expect(negotiateVersionRolling({ 'version-rolling.mask': '1fffe000', 'version-rolling.min-bit-count': 17 })).toBeNull();
    expect(negotiateVersionRolling({ 'version-rolling.mask': '0x1fffe000' })).toBeNull();
    expect(negotiateVersionRolling({ 'version-rolling.mask': '1fffe000', 'version-rolling.min-bit-count': '2' })).toBeNull();
    expect(rollVersion(0x20000001, 0x00002000, 0x1fffe000)).toBe(0x20002001);
    expect(rollVersion(0x20002001, 0, 0x1fffe000)).toBe(0x20000001);
  });

  it('answers mining.configure with the agreed mask, or false, and every other asked extension false', async () => {
    const { port } = await startPool();
    const c = await connect(port);
    // Before: version-rolling false whatever was asked.
    expect(await c.call('mining.configure', [['version-rolling', 'minimum-difficulty'], { 'version-rolling.mask': 'ffffffff', 'version-rolling.min-bit-count': 2 }])).toMatchObject({
      result: { 'version-rolling': true, 'version-rolling.mask': '1fffe000', 'minimum-difficulty': false },
      error: null,
    });
    // Agreed once for the connection: asked again, the answer is the same mask.
    expect((await c.call('mining.configure', rolling('00002000'))).result).toEqual({ 'version-rolling': true, 'version-rolling.mask': '1fffe000' });
    const other = await connect(port);
    expect((await other.call('mining.configure', rolling('1fffe000', 17))).result).toEqual({ 'version-rolling': false });
  });

  it('judges shares under the mask agreed first, whatever a later configure asks, and takes the bits in 1 to 8 hex digits', async () => {
    const { port } = await startPool();
    const c = await miner(port, { configure: rolling('ffffffff', 2) });
    const job = c.job;
    const version = rollVersion(parseInt(job.version, 16), 0x4000, POOL_VERSION_MASK);
    const s = shareOf(c, job, 1, version);
    // Sent together, the configure is answered before the submit is judged.
    const [narrowed, share] = await Promise.all([c.call('mining.configure', rolling('00002000')), c.submit(worker, job, s.en2, s.nonce, job.ntime, '4000')]);
    // Before: the mask became 00002000 and the share was refused with 20; unpadded bits were malformed.
    expect(narrowed.result).toEqual({ 'version-rolling': true, 'version-rolling.mask': '1fffe000' });
    expect(share).toMatchObject({ result: true, error: null });
    expect((await c.submit(worker, job, s.en2, s.nonce, job.ntime, '000004000')).error).toEqual([20, 'malformed params', null]);
  });

  it('accepts a rolled share within the agreed mask, once per rolled header, refuses bits outside it, and connects a rolled block', async () => {
    const { server, port, fx } = await startPool();
    const c = await miner(port, { configure: rolling('ffffffff', 2) });
    const job = c.job;
    const bits = 0x00002000;
    const version = rollVersion(parseInt(job.version, 16), bits, POOL_VERSION_MASK);
    const s = shareOf(c, job, 1, version);
    // Before: hashed with the job's version, answered 23.
    expect((await c.submit(worker, job, s.en2, s.nonce, job.ntime, '00002000')).result).toBe(true);
    expect((await c.submit(worker, job, s.en2, s.nonce, job.ntime, '00002000')).error?.[0]).toBe(22);
    expect((await c.submit(worker, job, s.en2, s.nonce, job.ntime, '20000000')).error).toEqual([20, 'version bits outside the negotiated mask', null]);
    const nonce = blockNonce(c, job, '00000100', version);
    expect((await c.submit(worker, job, '00000100', nonce, job.ntime, '00002000')).result).toBe(true);
    await until(() => fx.chain.height === 1, 'the block connected');
    expect(fx.chain.tip.id).toBe(blockId(c, job, '00000100', nonce, version));
    expect(fx.chain.tip.header.version).toBe(version);
    expect(server.shareTotals()).toMatchObject({ accepted: 2, duplicate: 1, invalid: 1 });
  });

  it("refuses a rolled share without agreement with 20, unhashed, drawing nothing from its address's budget for hashed rejects", async () => {
    const { server, port } = await startPool();
    // More than the address's budget in all, each connection short of its reject run.
    const per = MAX_REJECT_RUN - 10;
    for (let sent = 0; sent <= REJECTED_PER_IP_BURST; sent += per) {
      const c = await miner(port);
      const job = c.job;
      const version = rollVersion(parseInt(job.version, 16), 0x4000, POOL_VERSION_MASK);
      const s = shareOf(c, job, 1, version);
      const answers = await Promise.all(Array.from({ length: per }, () => c.submit(worker, job, s.en2, s.nonce, job.ntime, '00004000')));
      // Before: 23, and past the budget the connection was closed and the address turned away.
      expect(new Set(answers.map((a) => JSON.stringify(a.error)))).toEqual(new Set([JSON.stringify([20, 'version rolling not negotiated', null])]));
      c.close();
    }
    // A share without rolling (the sixth parameter zero, as some firmware sends) from the same address is taken.
    const honest = await miner(port);
    const s = shareOf(honest, honest.job);
    expect((await honest.submit(worker, honest.job, s.en2, s.nonce, honest.job.ntime, '00000000')).result).toBe(true);
    expect(server.stats().disconnects).toMatchObject({ 'rejected-shares': 0 });
  }, 30_000);
});
