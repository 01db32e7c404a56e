import { afterEach, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import { STORAGE_LIST_CAP, formatAddress, utf8ToBytes } from '@hackcoin/core';
import { ChainFixture, W } from '../../test-support/chain-fixture.js';
import { Prefix, key, u32be } from '../../store/keys.js';
import type { ApiContext } from '../context.js';
import { EngineBudget } from '../engine-budget.js';
import { installErrorHandler } from '../request-guards.js';
import { RATE_LIMITS, installRateLimits } from '../rate-limit.js';
import { STORAGE_PAGE_MAX_BYTES } from '../contract-storage.js';
import { contractRoutes } from './contracts.js';
import { HEAVY_LIMITS } from '../heavy-gate.js';

const CODE = 'export function f() { return 1; }';
/** The answer's fields beside its storage page: code, events, addresses, counts. */
const HEAD_BYTES = 2_048;

interface DetailAnswer {
  storageCount: number;
  storage: Record<string, unknown>;
  storageNext: string | null;
}

/** Key order as LevelDB keeps it: by UTF-8 bytes (JavaScript's order differs past U+FFFF). */
const byteOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

describe('contract storage in GET /api/contracts and /api/contracts/:address', () => {
  let fx: ChainFixture | undefined;
  let app: FastifyInstance | undefined;
  afterEach(async () => {
    await app?.close();
    await fx?.close();
  });

  /** A contract written straight into the store, as a block connecting its deploy and calls leaves it. */
  const seed = async (f: ChainFixture, fill: number, slots: [string, string][]): Promise<string> => {
    const addr = new Uint8Array(20).fill(fill);
    const deployment = new Uint8Array([...u32be(1), ...W.alice.address, ...new Uint8Array(32).fill(fill), ...utf8ToBytes(CODE)]);
    const index = new Uint8Array([...W.alice.address, ...new Uint8Array(32).fill(fill)]);
    await f.db.batch([
      { type: 'put', key: key(Prefix.contractCode, addr), value: deployment },
      { type: 'put', key: key(Prefix.contractIndex, u32be(1), addr), value: index },
      ...slots.map(([k, v]) => ({ type: 'put' as const, key: key(Prefix.contractStorage, addr, utf8ToBytes(k)), value: utf8ToBytes(v) })),
    ]);
    return formatAddress(addr);
  };
  const slots = (count: number, valueChars: number): [string, string][] =>
    Array.from({ length: count }, (_, i) => [`slot:${i.toString().padStart(5, '0')}`, JSON.stringify('v'.repeat(valueChars))]);

  const setUp = async (rateLimited = false) => {
    const f = await ChainFixture.create();
    fx = f;
    const a = Fastify();
    app = a;
    installErrorHandler(a, f.log);
    const charge = rateLimited ? await installRateLimits(a, 'all') : async () => undefined;
    contractRoutes(a, { chain: f.chain, mempool: f.mempool, params: f.params, backend: f.backend } as ApiContext, charge, new EngineBudget(() => false));
    const get = async (url: string, remoteAddress = '203.0.113.5') => {
      const res = await a.inject({ method: 'GET', url, remoteAddress });
      return { status: res.statusCode, bytes: res.body.length, body: res.json() as DetailAnswer & { error?: string } };
    };
    return { f, get };
  };

  /** Follows `storageNext` from the first page to the last; every answer's size is checked on the way. */
  const walk = async (get: Awaited<ReturnType<typeof setUp>>['get'], contract: string): Promise<string[][]> => {
    const pages: string[][] = [];
    let after: string | null | undefined;
    do {
      const r = await get(`/api/contracts/${contract}${after ? `?storageAfter=${encodeURIComponent(after)}` : ''}`);
      expect(r.status).toBe(200);
      expect(r.bytes).toBeLessThanOrEqual(STORAGE_PAGE_MAX_BYTES + HEAD_BYTES);
      const keys = Object.keys(r.body.storage);
      expect(keys.length).toBeGreaterThan(0);
      if (r.body.storageNext !== null) expect(r.body.storageNext).toBe(keys[keys.length - 1]);
      pages.push(keys);
      after = r.body.storageNext;
      expect(pages.length).toBeLessThan(100);
    } while (after !== null);
    return pages;
  };

  it('pages 600 slots of 4 KB within the byte budget, and the storageNext cursors reach every slot once in key byte order', async () => {
    const { f, get } = await setUp();
    // Keys whose UTF-8 order differs from JavaScript's: U+FF21 sorts before U+1F600 by bytes, after it by UTF-16.
    const all: [string, string][] = [...slots(597, 4_000), ['Ａ', '"fullwidth"'], ['😀', '"emoji"'], ['é', '{"n":1}']];
    const contract = await seed(f, 0xc1, all);

    const first = await get(`/api/contracts/${contract}`);
    expect(first.status).toBe(200);
    // Before: the first 1,000 slots, here all 600 (2.4 MB).
    expect(first.bytes).toBeLessThanOrEqual(STORAGE_PAGE_MAX_BYTES + HEAD_BYTES);
    expect(first.body.storageCount).toBe(600);
    // `"slot:00000":"vvv…",`: as many as the budget holds, fewer than the 100 asked for.
    const perPage = Math.floor(STORAGE_PAGE_MAX_BYTES / (JSON.stringify('slot:00000').length + 1 + 4_002 + 1));
    expect(perPage).toBeLessThan(100);
    expect(Object.keys(first.body.storage)).toEqual(all.slice(0, perPage).map(([k]) => k));
    expect(first.body.storageNext).toBe(`slot:${String(perPage - 1).padStart(5, '0')}`);

    const pages = await walk(get, contract);
    expect(pages.length).toBeGreaterThan(5);
    expect(pages.flat()).toEqual(all.map(([k]) => k).sort(byteOrder));
    const last = await get(`/api/contracts/${contract}?storageAfter=${encodeURIComponent('Ａ')}`);
    expect(last.body).toMatchObject({ storage: { '😀': 'emoji' }, storageNext: null });
    // A small page holds exactly `storage` slots and says where the next starts.
    const two = await get(`/api/contracts/${contract}?storage=2&storageAfter=slot:00595`);
    expect(Object.keys(two.body.storage)).toEqual(['slot:00596', 'é']);
    expect(two.body.storageNext).toBe('é');
  });

  it(`counts up to ${STORAGE_LIST_CAP} slots of a larger contract, lists all of them in pages (each read from its cursor), and refuses a larger page`, async () => {
    const { f, get } = await setUp();
    const contract = await seed(f, 0xc2, slots(1_500, 10));
    const first = await get(`/api/contracts/${contract}`);
    expect(first.body.storageCount).toBe(STORAGE_LIST_CAP);
    expect(Object.keys(first.body.storage)).toHaveLength(100);
    const pages = await walk(get, contract);
    expect(pages).toHaveLength(15);
    expect(pages.flat()).toEqual(slots(1_500, 10).map(([k]) => k));
    const whole = await get(`/api/contracts/${contract}?storage=${STORAGE_LIST_CAP}`);
    expect([whole.status, Object.keys(whole.body.storage).length, whole.body.storageNext]).toEqual([200, STORAGE_LIST_CAP, 'slot:00999']);
    expect((await get(`/api/contracts/${contract}?storage=${STORAGE_LIST_CAP + 1}`)).status).toBe(400);
  });

  it('charges a storage page read from disk to the heavy budget, and serves pages already read at this tip as reads', async () => {
    const { f, get } = await setUp(true);
    const contract = await seed(f, 0xc3, slots(200, 1_000));
    const statuses = new Set<number>();
    for (let n = 1; n <= RATE_LIMITS.heavy; n++) statuses.add((await get(`/api/contracts/${contract}?storage=${n}`)).status);
    expect(statuses).toEqual(new Set([200]));
    const over = await get(`/api/contracts/${contract}?storage=${RATE_LIMITS.heavy + 1}`);
    expect([over.status, over.body.error]).toEqual([429, 'rate-limited']);
    // The same pages again, and an answer without storage, cost it nothing heavy; another client reads the refused page.
    for (let n = 1; n <= RATE_LIMITS.heavy; n++) statuses.add((await get(`/api/contracts/${contract}?storage=${n}`)).status);
    statuses.add((await get(`/api/contracts/${contract}?storage=0`)).status);
    expect(statuses).toEqual(new Set([200]));
    expect((await get(`/api/contracts/${contract}?storage=${RATE_LIMITS.heavy + 1}`, '203.0.113.6')).status).toBe(200);
  });

  it(`counts each listed contract's storage up to ${STORAGE_LIST_CAP} keys, once per tip`, async () => {
    const { f, get } = await setUp();
    await f.mine(1);
    const contracts = [];
    for (const fill of [0xd1, 0xd2, 0xd3]) contracts.push(await seed(f, fill, slots(1_500, 10)));
    let keysRead = 0;
    const keys = f.db.keys.bind(f.db);
    f.db.keys = ((options: Parameters<typeof keys>[0]) => {
      const it = keys(options);
      const next = it.next.bind(it);
      it.next = (async () => {
        const k = await next();
        if (k !== undefined) keysRead++;
        return k;
      }) as typeof it.next;
      return it;
    }) as typeof f.db.keys;
    const list = async () => {
      const r = await app!.inject({ method: 'GET', url: '/api/contracts?limit=100' });
      expect(r.statusCode).toBe(200);
      return (r.json() as { contracts: { address: string; storageEntries: number }[] }).contracts;
    };

    const listed = await list();
    expect(listed.map((c) => c.address).sort()).toEqual([...contracts].sort());
    expect(listed.map((c) => c.storageEntries)).toEqual([STORAGE_LIST_CAP, STORAGE_LIST_CAP, STORAGE_LIST_CAP]);
    // Before: each contract counted to 1,500 of its cap of 10,000.
    expect(keysRead).toBe(3 * STORAGE_LIST_CAP);
    keysRead = 0;
    await list();
    await get(`/api/contracts/${contracts[0]!}?storage=0`);
    expect(keysRead).toBe(0);
    // A new block may change any contract's storage: counted afresh.
    await f.mine(1);
    await list();
    expect(keysRead).toBe(3 * STORAGE_LIST_CAP);
  });

  it('reads about one page of storage from disk whatever `storage` asks, and at most four pages at once node-wide', async () => {
    const { f, get } = await setUp();
    const slot = 60 * 1024;
    const contract = await seed(f, 0xc4, slots(200, slot));
    // Every storage read, as LevelDB hands it over: bytes, and iterators open at once.
    let bytesRead = 0;
    let open = 0;
    let mostOpen = 0;
    const iterator = f.db.iterator.bind(f.db);
    // Slot listings only: counts list keys alone through the same call.
    const storageRead = (o: { gt?: unknown; gte?: unknown; values?: boolean } | undefined) => {
      const from = (o?.gte ?? o?.gt) as Uint8Array | undefined;
      return from?.[0] === Prefix.contractStorage && o?.values !== false;
    };
    f.db.iterator = ((options: Parameters<typeof iterator>[0]) =>
      !storageRead(options) ? iterator(options) : (async function* () {
        mostOpen = Math.max(mostOpen, ++open);
        try {
          for await (const [k, v] of iterator(options) as AsyncIterable<[Uint8Array, Uint8Array]>) {
            bytesRead += k.length + v.length;
            yield [k, v];
          }
        } finally {
          open--;
        }
      })()) as unknown as typeof f.db.iterator;

    const one = await get(`/api/contracts/${contract}?storage=${STORAGE_LIST_CAP}`);
    expect(one.status).toBe(200);
    const served = Object.keys(one.body.storage);
    expect(served.length).toBeGreaterThan(1);
    expect(one.body.storageNext).toBe(served[served.length - 1]);
    // Before: all 200 slots (12 MB) read and decoded for a page of four.
    expect(bytesRead).toBeLessThanOrEqual(STORAGE_PAGE_MAX_BYTES + 2 * (slot + 64));

    // Pages not yet read (each `storage` is a new page) asked for together: read a few at a time.
    bytesRead = 0;
    const many = await Promise.all(Array.from({ length: 12 }, (_, i) => get(`/api/contracts/${contract}?storage=${2 + i}`)));
    expect(many.map((r) => r.status)).toEqual(Array(12).fill(200));
    expect(many.map((r) => Object.keys(r.body.storage).length)).toEqual(Array.from({ length: 12 }, (_, i) => Math.min(2 + i, served.length)));
    // Before: twelve.
    expect(mostOpen).toBeLessThanOrEqual(HEAVY_LIMITS.concurrent);
    expect(bytesRead).toBeLessThanOrEqual(12 * (STORAGE_PAGE_MAX_BYTES + 2 * (slot + 64)));
  });

  it('bounds the events a contract page carries by bytes as well as by count, newest first', async () => {
    const { get } = await setUp();
    const f = fx!;
    const address = await seed(f, 0x61, []);
    const addr = new Uint8Array(20).fill(0x61);
    // 40 events of 16 KiB, one per block: 640 KiB of them where the default bound is 50.
    await f.db.batch(
      Array.from({ length: 40 }, (_, h) => ({
        type: 'put' as const,
        key: key(Prefix.contractEvent, addr, u32be(h + 1), u32be(0), u32be(0)),
        value: utf8ToBytes(JSON.stringify({ name: 'Big', data: 'e'.repeat(16 * 1024), txId: '00'.repeat(32) })),
      })),
    );
    const r = await get(`/api/contracts/${address}?events=500&storage=0`);
    expect(r.status).toBe(200);
    const events = (r.body as unknown as { events: { height: number }[] }).events;
    expect(r.bytes).toBeLessThan(256 * 1024 + HEAD_BYTES);
    expect(events.length).toBeGreaterThan(10);
    expect(events.length).toBeLessThan(40);
    expect(events.map((e) => e.height)).toEqual(Array.from({ length: events.length }, (_, i) => 40 - i));
  });
});
