import { randomBytes } from 'node:crypto';
import { LebCursor, uleb128 } from '../util/leb128.js';

/**
 * Per-process salting of QuickJS's string and Map-key hashes, done by rewriting the code section of
 * the pinned wasm (see QUICKJS_WASM_SHA256 in quickjs-module.ts) before it is compiled.
 *
 * WHY: QuickJS hashes strings (atom table, Map/Set keys) with the unsalted h = h*263 + c, and Map
 * keys with public multipliers. A contract can make thousands of distinct keys with one hash (12
 * blocks each 'a\u0307' or 'b\u0200' give 4,096 colliding 24-char keys) and then have every property
 * read or Map.get with a fresh string walk the whole chain: ~535 ns of CPU per gas at 4,096 keys,
 * ~2,000 at 16,384 (ordinary code ~20), enough for one transaction to hold every node for minutes.
 * Gas cannot price it (the cost depends on the hash table's chains, not on anything the metering
 * sees), so the hash is made unpredictable instead.
 *
 * Each `local.get H; i32.const 263; i32.mul; i32.add` step becomes, with the same stack effect and
 * no new locals, x = ((c ^ h) + K) * M; h = x ^ (x >>> 16). It stays a streaming function of
 * (h, c), so a rope hashes as its flat string does, and the 8-bit and 16-bit loops compute the same
 * function of the character codes (a key stored narrow may be looked up wide). map_hash32/64's
 * multipliers become random odd ones (multiply-shift with a secret multiplier).
 *
 * The key must be ONE PER PROCESS: every instance compiles from the same bytes, atoms keep their
 * hash in memory, and vm-pool.ts restores snapshots (in memory only) into other instances. A
 * snapshot restored under another key would look atoms up in the wrong buckets.
 *
 * What this does not change: the hash only decides which chain a key sits in, never what a lookup
 * finds, the order of keys (insertion order), the memory allocated, or the interrupt polls; so gas
 * and results are the same under every key. Function 204 (libregexp's string lists, also h*263)
 * is left alone on purpose: its order drives backtracking, and so gas.
 */

/** The secret of one process: the string step's addend and odd multiplier, and Map-key multipliers. */
export interface HashKey {
  readonly k: number;
  readonly m: number;
  readonly map32: number;
  readonly map64: bigint;
}

/** Bytes a key is made from (random, or HACKCOIN_QUICKJS_HASH_KEY as hex). */
export const HASH_KEY_BYTES = 20;

/** A key from 20 bytes; multipliers are forced odd so they stay bijective. */
export function hashKeyFromBytes(bytes: Uint8Array): HashKey {
  if (bytes.length !== HASH_KEY_BYTES) throw new Error(`a hash key is ${HASH_KEY_BYTES} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    k: view.getInt32(0, true),
    m: view.getInt32(4, true) | 1,
    map32: view.getInt32(8, true) | 1,
    map64: BigInt.asIntN(64, view.getBigInt64(12, true) | 1n),
  };
}

/**
 * The key this process uses: random, unless HACKCOIN_QUICKJS_HASH_KEY (40 hex digits) fixes it to
 * reproduce a benchmark. Never set that on a public node: a known key brings the collisions back.
 */
export function processHashKey(env: string | undefined = process.env.HACKCOIN_QUICKJS_HASH_KEY): HashKey {
  if (env === undefined || env === '') return hashKeyFromBytes(randomBytes(HASH_KEY_BYTES));
  if (!/^[0-9a-fA-F]{40}$/.test(env)) throw new Error('HACKCOIN_QUICKJS_HASH_KEY must be 40 hex digits');
  return hashKeyFromBytes(Uint8Array.from(Buffer.from(env, 'hex')));
}

/** Function indices (imports included) and their expected body sizes in the pinned build. */
const IMPORTED_FUNCS = 19;
const DEFINED_FUNCS = 1321;
const CODE_SECTION = 10;
const BODY_SIZE = new Map([[320, 395], [510, 95], [695, 44]]);

/** The h*263 + c steps: function, body offset of `local.get H`, H's local index. */
const STRING_STEPS = [
  { func: 695, at: 21, local: 2 }, // hash_string8(ptr, len, h): C strings (atoms made by the engine)
  { func: 510, at: 59, local: 1 }, // hash_string(str, h): 16-bit loop inlined, 8-bit calls 695
  { func: 320, at: 351, local: 3 }, // map_hash_key: BigInt limbs
] as const;

/** map_hash32's `i32.const 0x61C88647` (5 sites) and map_hash64's `i64.const 0x61C8864680B583EB`, in map_hash_key (320). */
const MAP32_AT = [86, 115, 143, 167, 369];
const MAP32_OLD = [0x41, 0xc7, 0x8c, 0xa2, 0x8e, 0x06];
const MAP64_AT = [250];
const MAP64_OLD = [0x42, 0xeb, 0x87, 0xd6, 0x85, 0xe8, 0xc8, 0xa1, 0xe4, 0xe1, 0x00];

function sleb(value: bigint, bits: 32 | 64): number[] {
  let v = BigInt.asIntN(bits, value);
  const out: number[] = [];
  for (;;) {
    const b = Number(v & 0x7fn);
    v >>= 7n;
    if ((v === 0n && (b & 0x40) === 0) || (v === -1n && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

function fail(what: string): never {
  throw new Error(`quickjs-wasm-mismatch: cannot salt the hash: ${what}`);
}

/** Returns patched bytes; throws unless every site is byte-for-byte the pinned build's (the caller has checked QUICKJS_WASM_SHA256 already). */
export function patchQuickJSHash(bytes: Uint8Array, key: HashKey): Uint8Array<ArrayBuffer> {
  if ((key.m & 1) === 0 || (key.map32 & 1) === 0 || (key.map64 & 1n) === 0n) fail('multipliers must be odd');
  const cursor = new LebCursor(bytes, 8);
  const leb = (): number => {
    if (cursor.at >= bytes.length) fail('truncated');
    try {
      return cursor.uleb();
    } catch {
      return fail('truncated');
    }
  };
  // Find the code section (the import count is pinned rather than parsed).
  let section: { idAt: number; start: number; end: number } | undefined;
  while (cursor.at < bytes.length) {
    const idAt = cursor.at;
    const id = bytes[cursor.at++];
    const size = leb();
    if (id === CODE_SECTION) section = { idAt, start: cursor.at, end: cursor.at + size };
    cursor.at += size;
  }
  if (section === undefined || cursor.at !== bytes.length) fail('no code section');
  cursor.at = section.start;
  if (leb() !== DEFINED_FUNCS) fail('function count');
  // prefix: where the body's size LEB starts (it may be padded, so it is not recomputed).
  const bodies: { prefix: number; start: number; end: number }[] = [];
  for (let i = 0; i < DEFINED_FUNCS; i++) {
    const prefix = cursor.at;
    const size = leb();
    bodies.push({ prefix, start: cursor.at, end: cursor.at + size });
    cursor.at += size;
  }
  if (cursor.at !== section.end) fail('code section size');

  // Edits per function: [offset, old bytes, new bytes].
  const edits = new Map<number, [number, number[], number[]][]>();
  const edit = (func: number, at: number, old: number[], replacement: number[]): void => {
    const list = edits.get(func) ?? [];
    list.push([at, old, replacement]);
    edits.set(func, list);
  };
  const k = sleb(BigInt(key.k), 32);
  const m = sleb(BigInt(key.m), 32);
  for (const { func, at, local } of STRING_STEPS) {
    // local.get H; i32.const 263; i32.mul; i32.add   (the following local.set H is kept)
    edit(func, at, [0x20, local, 0x41, 0x87, 0x02, 0x6c, 0x6a],
      // local.get H; i32.xor; i32.const K; i32.add; i32.const M; i32.mul;
      // local.tee H; local.get H; i32.const 16; i32.shr_u; i32.xor
      [0x20, local, 0x73, 0x41, ...k, 0x6a, 0x41, ...m, 0x6c, 0x22, local, 0x20, local, 0x41, 0x10, 0x76, 0x73]);
  }
  for (const at of MAP32_AT) edit(320, at, MAP32_OLD, [0x41, ...sleb(BigInt(key.map32), 32)]);
  for (const at of MAP64_AT) edit(320, at, MAP64_OLD, [0x42, ...sleb(key.map64, 64)]);

  const replaced = new Map<number, Uint8Array>();
  for (const [func, list] of edits) {
    const { start, end } = bodies[func - IMPORTED_FUNCS] as { start: number; end: number };
    if (end - start !== BODY_SIZE.get(func)) fail(`function ${func} body size`);
    const body = bytes.subarray(start, end);
    const out: number[] = [];
    let from = 0;
    for (const [at, old, replacement] of list.sort((a, b) => a[0] - b[0])) {
      if (at < from || old.some((b, j) => body[at + j] !== b)) fail(`function ${func} at ${at}`);
      out.push(...body.subarray(from, at), ...replacement);
      from = at + old.length;
    }
    out.push(...body.subarray(from));
    replaced.set(func, Uint8Array.from(out));
  }

  // Re-encode: the patched bodies' sizes and the section's size change; everything else is copied.
  const chunks: Uint8Array[] = [Uint8Array.from(uleb128(DEFINED_FUNCS))];
  // Unchanged bodies are copied with their size prefixes, in runs between patched functions.
  let copyFrom = (bodies[0] as { prefix: number }).prefix;
  for (const func of [...replaced.keys()].sort((a, b) => a - b)) {
    const { prefix, end } = bodies[func - IMPORTED_FUNCS] as { prefix: number; end: number };
    const body = replaced.get(func) as Uint8Array;
    chunks.push(bytes.subarray(copyFrom, prefix), Uint8Array.from(uleb128(body.length)), body);
    copyFrom = end;
  }
  chunks.push(bytes.subarray(copyFrom, section.end));
  const contentSize = chunks.reduce((n, c) => n + c.length, 0);
  const header = Uint8Array.from([CODE_SECTION, ...uleb128(contentSize)]);
  const out = new Uint8Array(section.idAt + header.length + contentSize + (bytes.length - section.end));
  let o = 0;
  for (const c of [bytes.subarray(0, section.idAt), header, ...chunks, bytes.subarray(section.end)]) {
    out.set(c, o);
    o += c.length;
  }
  if (o !== out.length || !WebAssembly.validate(out)) fail('patched module does not validate');
  return out;
}
