import { afterAll, describe, expect, it } from 'vitest';
import {
  RuleError,
  bytesToHex,
  checkTransferSignature,
  transferSender,
  generatePrivateKey,
  nobleBackend,
  transferSigHash,
  type SignatureBackend,
  type TransferTx,
} from '@hackcoin/core';
import { loadSignatureBackend } from '../crypto/native-backend.js';
import type { Mempool } from '../mempool/mempool.js';
import { ChainFixture, W } from '../test-support/chain-fixture.js';
import { closeVerifyPools, highS, readyPool, transfer, verifiedMempool, withReplayedChain } from '../test-support/verify-fixtures.js';
import { VerifyPool } from './verify-pool.js';
import { SignatureVerifier } from './signature-verifier.js';
import { ITEM_SIZE, KEY_UNANSWERED, RESULT_SIZE, SharedJob } from './shared-job.js';
import { pack, questionsOf } from './questions.js';
import { checkWith } from './verify-job.js';

function corpus(): { name: string; tx: TransferTx }[] {
  const out: { name: string; tx: TransferTx }[] = [];
  const shared = generatePrivateKey();
  for (let i = 0; i < 40; i++) {
    const tx = transfer(i, i % 4 === 0 ? shared : undefined);
    out.push({ name: `valid ${i}`, tx });
    if (i % 5 === 0) {
      const flipped = tx.signature.slice();
      flipped[10]! ^= 1;
      out.push({ name: `bit-flipped signature ${i}`, tx: { ...tx, signature: flipped } });
      out.push({ name: `high-S ${i}`, tx: highS(tx) });
      out.push({ name: `other key ${i}`, tx: { ...tx, publicKey: transfer(0).publicKey } });
      out.push({ name: `changed amount ${i}`, tx: { ...tx, amount: tx.amount + 1n } });
      // x = 5 is not the x-coordinate of any secp256k1 point.
      const offCurve = new Uint8Array(33);
      offCurve[0] = 2;
      offCurve[32] = 5;
      out.push({ name: `key off the curve ${i}`, tx: { ...tx, publicKey: offCurve } });
      out.push({ name: `zero signature ${i}`, tx: { ...tx, signature: new Uint8Array(64) } });
      const rTooBig = tx.signature.slice();
      rTooBig.fill(0xff, 0, 32);
      out.push({ name: `r ≥ n ${i}`, tx: { ...tx, signature: rTooBig } });
    }
  }
  return out;
}

/** What the serial path concludes: the sender's address, or the rule and message it rejects with. */
function outcome(tx: TransferTx, backend: SignatureBackend): string {
  try {
    return `ok ${bytesToHex(checkTransferSignature(tx, backend))}`;
  } catch (e) {
    if (!(e instanceof RuleError)) throw e;
    return `${e.code}: ${e.message}`;
  }
}

afterAll(closeVerifyPools);

describe('parallel signature verification', () => {
  const cases = corpus();

  for (const [label, base] of [
    ['native libsecp256k1', loadSignatureBackend().backend],
    ['noble', nobleBackend],
  ] as const) {
    it(`gives the serial verdict for every valid, invalid and high-S signature (${label} on the main thread)`, async () => {
      const pool = await readyPool(2);
      expect(pool.backend).toBe(loadSignatureBackend().name);
      const backend = await new SignatureVerifier(base, pool).prepare(cases.map((c) => c.tx));
      const parallel = cases.map((c) => `${c.name} → ${outcome(c.tx, backend)}`);
      const serial = cases.map((c) => `${c.name} → ${outcome(c.tx, base)}`);
      expect(parallel).toEqual(serial);
      // The corpus exercises every kind of answer.
      expect(serial.filter((s) => s.includes('→ ok')).length).toBe(40);
      expect(serial.filter((s) => s.includes('signature does not verify')).length).toBe(6 * 8);
      expect(serial.filter((s) => s.includes('invalid public key')).length).toBe(8);
    });
  }

  it('answers from the pool: a verdict it computed wins over the base backend', async () => {
    const tx = transfer(1);
    let baseCalls = 0;
    const counting: SignatureBackend = {
      verify: (d, s, p) => (baseCalls++, nobleBackend.verify(d, s, p)),
      decompress: (p) => (baseCalls++, nobleBackend.decompress(p)),
    };
    const pool = await readyPool(1);
    const backend = await new SignatureVerifier(counting, pool).prepare([tx]);
    expect(outcome(tx, backend)).toBe(outcome(tx, nobleBackend));
    expect(baseCalls).toBe(0);
  });

  it('sends single transactions that arrive in the same turn to the pool as one batch, with the same verdicts', async () => {
    const pool = await readyPool(2);
    const batches: number[] = [];
    const check = pool.check.bind(pool);
    pool.check = (items) => (batches.push(items.length), check(items));
    const base = loadSignatureBackend().backend;
    const verifier = new SignatureVerifier(base, pool);
    const backends = await Promise.all(cases.map((c) => verifier.prepare([c.tx])));
    expect(cases.map((c, i) => outcome(c.tx, backends[i]!))).toEqual(cases.map((c) => outcome(c.tx, base)));
    expect(batches.length).toBe(1);
  });

  it('checks on the calling thread, with the same verdicts, once the pool is closed', async () => {
    const pool = new VerifyPool(2);
    await pool.close();
    const base = loadSignatureBackend().backend;
    const backend = await new SignatureVerifier(base, pool).prepare(cases.map((c) => c.tx));
    expect(cases.map((c) => outcome(c.tx, backend))).toEqual(cases.map((c) => outcome(c.tx, base)));
  });
});

describe('the native backend', () => {
  const loaded = loadSignatureBackend();
  // Where the binary cannot load the backend is noble's, which has no key cache: skipped, not compared with itself.
  it.runIf(loaded.name === 'libsecp256k1-native')('gives the same verdict for a key whether or not it already knows its point', () => {
    const base = corpus()[0]!.tx;
    const badKey = (first: number, fill: number) => {
      const k = new Uint8Array(33).fill(fill);
      k[0] = first;
      return { name: `key ${first}/${fill}`, tx: { ...base, publicKey: k } };
    };
    // A hybrid/uncompressed prefix, no prefix, and x ≥ p: never points, never remembered.
    const cases = [...corpus(), badKey(4, 1), badKey(0, 1), badKey(2, 0xff), badKey(3, 0xff)];
    const backend = loaded.backend;
    const verdicts = () => cases.map((c) => `${c.name} → ${backend.verify(transferSigHash(c.tx), c.tx.signature, c.tx.publicKey)}`);
    const cold = verdicts();
    let known = 0;
    for (const c of cases) {
      try {
        backend.address!(c.tx.publicKey);
        known++;
      } catch {
        // A key that is not a point is never remembered.
      }
    }
    expect(known).toBe(cases.length - 12);
    expect(verdicts()).toEqual(cold);
    expect(cold).toEqual(cases.map((c) => `${c.name} → ${nobleBackend.verify(transferSigHash(c.tx), c.tx.signature, c.tx.publicKey)}`));
    expect(cold.filter((v) => v.endsWith('true')).length).toBe(40);
  });
});

describe('a key the backend fails to convert for reasons of its own', () => {
  it('is left unanswered by the check, so the failure reaches whoever derives the sender, not as bad-txns-sig', async () => {
    const overflow = new RangeError('Maximum call stack size exceeded');
    const failing: SignatureBackend = {
      verify: (d, s, p) => nobleBackend.verify(d, s, p),
      decompress: () => {
        throw overflow;
      },
    };
    const tx = transfer(1);
    const out = new Uint8Array(RESULT_SIZE);
    checkWith(failing)(pack(questionsOf([tx], undefined)), out, true);
    // Before: answered as a key that is not a point, which the mempool refused under bad-txns-sig.
    expect(out[1]).toBe(KEY_UNANSWERED);
    const prepared = await new SignatureVerifier(failing, undefined, undefined).prepare([tx]);
    expect(() => transferSender(tx, prepared)).toThrow(overflow);
  });
});

describe('a shared check job', () => {
  const base = loadSignatureBackend().backend;
  const items = pack(questionsOf(corpus().map((c) => c.tx), undefined));
  const serial = new Uint8Array((items.length / ITEM_SIZE) * RESULT_SIZE);
  checkWith(base)(items, serial, true);

  it('is completed exactly once, by whoever finishes the last chunk, with the serial answers', () => {
    const job = SharedJob.create(items, 16, true);
    const other = new SharedJob(job.buffer);
    expect(job.chunks).toBeGreaterThan(4);
    expect([job.work(checkWith(base)), other.work(checkWith(base)), other.finish(checkWith(base))]).toEqual([true, false, false]);
    expect(job.done).toBe(true);
    expect(job.results).toEqual(serial);
  });

  it('is finished by another thread when a worker dies holding a claimed chunk', () => {
    const job = SharedJob.create(items, 16, true);
    const dying = new SharedJob(job.buffer);
    expect(() => dying.work(() => {
      throw new Error('worker died');
    })).toThrow('worker died');
    expect(job.work(checkWith(base))).toBe(false);
    expect(job.done).toBe(false);
    expect(job.finish(checkWith(base))).toBe(true);
    expect(job.results).toEqual(serial);
  });

  it('gives the same answers when the pool loses its workers in the middle of a job', async () => {
    const pool = await readyPool(2);
    const many = new Uint8Array(items.length * 20);
    for (let i = 0; i < 20; i++) many.set(items, i * items.length);
    const job = pool.check(many);
    for (const s of (pool as unknown as { slots: { worker: { terminate(): Promise<number> } }[] }).slots) void s.worker.terminate();
    const results = await job.results;
    for (let i = 0; i < 20; i++) expect(results.subarray(i * serial.length, (i + 1) * serial.length)).toEqual(serial);
  });
  it('posts a job only to as many workers as it has chunks, with the serial answers', async () => {
    const pool = await readyPool(2);
    const one = items.subarray(0, ITEM_SIZE);
    const before = pool.stats().posts;
    const answers = await Promise.all(Array.from({ length: 6 }, () => pool.check(one).results));
    for (const r of answers) expect(r).toEqual(serial.subarray(0, RESULT_SIZE));
    expect(pool.stats().posts - before).toBe(6);
    const many = await pool.check(items).results;
    expect(many).toEqual(serial);
    expect(pool.stats().posts - before).toBe(8);
  });
});


describe('a chain checking signatures on the verify pool', () => {
  it('connects and rejects exactly the blocks the serial chain does, with the same rule, even pipelined', async () => {
    const fx = await ChainFixture.create();
    try {
      const history = await fx.mine(2, { miner: W.alice });
      const branch = await fx.branch();
      const pay = (n: number, to: typeof W.bob) => fx.tx(W.alice, to, 1_000n, { nonce: BigInt(n) });
      const good = branch.next({ txs: Array.from({ length: 12 }, (_, i) => pay(i, W.bob)) });
      const sibling = branch.clone();
      const badTxs = Array.from({ length: 12 }, (_, i) => pay(12 + i, W.carol));
      badTxs[5] = highS(badTxs[5]!);
      const bad = branch.next({ txs: badTxs });
      const after = sibling.next({ txs: [pay(12, W.dave)] });

      const run = (verifier: SignatureVerifier | undefined) =>
        withReplayedChain(fx, history, verifier, async (chain) => {
          // Submitted together, as a sync that downloads ahead does: later blocks are checked while earlier ones connect.
          const results = await Promise.allSettled([good, bad, after].map((b) => chain.processBlock(b)));
          const outcomes = results.map((r) => (r.status === 'fulfilled' ? r.value.status : String((r.reason as RuleError).message)));
          const accounts = await chain.getAccounts([W.alice, W.bob, W.carol, W.dave].map((w) => bytesToHex(w.address)));
          return { outcomes, tip: chain.tip.id, height: chain.height, accounts: [...accounts].map(([k, a]) => `${k} ${a.balance} ${a.nonce}`) };
        });
      const pool = await readyPool(2);
      const parallel = await run(new SignatureVerifier(fx.backend, pool));
      const serial = await run(undefined);
      expect(parallel).toEqual(serial);
      expect(serial.outcomes).toEqual(['connected', 'bad-txns-sig: signature does not verify', 'connected']);
      expect(serial.height).toBe(4);
    } finally {
      await fx.close();
    }
  });
});

describe('a block judged while its signatures are still being checked', () => {
  it('fails with the serial rule whichever of a signature, a key or a state rule breaks first', async () => {
    const fx = await ChainFixture.create();
    try {
      const history = await fx.mine(2, { miner: W.alice });
      const branch = await fx.branch();
      const txs = Array.from({ length: 12 }, (_, i) => fx.tx(W.alice, W.bob, 1_000n, { nonce: BigInt(i) }));
      const offCurve = new Uint8Array(33);
      offCurve[0] = 2;
      offCurve[32] = 5;
      const badKey = (tx: TransferTx): TransferTx => ({ ...tx, publicKey: offCurve });
      const gap = fx.tx(W.alice, W.bob, 1_000n, { nonce: 50n });
      const rich = fx.tx(W.alice, W.bob, 10n ** 18n, { nonce: 5n });
      const variants: Record<number, TransferTx>[] = [
        { 2: gap, 9: highS(txs[9]!) }, // a state rule before a bad signature: the signature wins
        { 4: badKey(txs[4]!), 9: highS(txs[9]!) }, // an invalid key before a bad signature
        { 9: highS(txs[9]!), 10: badKey(txs[10]!) }, // a bad signature before an invalid key: every key is checked first
        { 2: gap },
        { 5: rich },
      ];
      const blocks = [...variants.map((v) => branch.clone().next({ txs: txs.map((tx, i) => v[i] ?? tx) })), branch.clone().next({ txs })];
      const run = (verifier: SignatureVerifier | undefined) =>
        withReplayedChain(fx, history, verifier, async (chain) => {
          const outcomes: string[] = [];
          for (const b of blocks) outcomes.push(await chain.processBlock(b).then((r) => r.status, (e: RuleError) => e.message));
          return { outcomes, tip: chain.tip.id };
        });
      const pool = await readyPool(2);
      const parallel = await run(new SignatureVerifier(fx.backend, pool));
      const serial = await run(undefined);
      expect(parallel).toEqual(serial);
      expect(serial.outcomes).toEqual([
        'bad-txns-sig: signature does not verify',
        'bad-txns-sig: invalid public key',
        'bad-txns-sig: invalid public key',
        'bad-txns-nonce-gap: expected 2, got 50',
        expect.stringMatching(/^bad-txns-insufficient-funds/),
        'connected',
      ]);
    } finally {
      await fx.close();
    }
  });
});

describe('a mempool checking signatures on the verify pool', () => {
  it('admits and refuses exactly what the serial mempool does', async () => {
    const fx = await ChainFixture.create();
    try {
      await fx.mine(1, { miner: W.alice });
      const pool = await readyPool(2);
      const parallel = verifiedMempool(fx, new SignatureVerifier(fx.backend, pool));
      const good = Array.from({ length: 6 }, (_, i) => fx.tx(W.alice, W.bob, 1_000n, { nonce: BigInt(i) }));
      const flipped = good[3]!.signature.slice();
      flipped[7]! ^= 1;
      const offered = [good[0]!, highS(good[1]!), good[1]!, { ...good[2]!, signature: flipped }, good[2]!, good[0]!];
      const judge = (m: Mempool) =>
        Promise.all(offered.map((tx) => m.add(tx).then((e) => `admitted ${e.id}`, (e: RuleError) => e.message)));
      const [serial, checked] = [await judge(fx.mempool), await judge(parallel)];
      expect(checked).toEqual(serial);
      expect(serial.map((s) => s.split(' ')[0])).toEqual(['admitted', 'bad-txns-sig:', 'admitted', 'bad-txns-sig:', 'admitted', 'txn-already-known']);
    } finally {
      await fx.close();
    }
  });
});
