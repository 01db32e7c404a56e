import { z } from './zod.js';
import { parseAddress } from '../primitives/address.js';

/**
 * What the node's routes accept. The node parses every request with these (a 400 names the field);
 * clients may parse their own input with them before sending.
 */

const u64 = z
  .union([z.string().regex(/^\d{1,20}$/, 'must be a decimal string of base units'), z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER)])
  .transform((v) => BigInt(v))
  .refine((v) => v < 1n << 64n, 'must fit in 64 bits');

const hex = (bytes?: number) =>
  z
    .string()
    .regex(/^(0x)?([0-9a-fA-F]{2})*$/, 'must be hex')
    .refine((s) => bytes === undefined || s.replace(/^0x/, '').length === bytes * 2, `must be ${bytes} bytes of hex`);

/** A checksummed (or all-lower-case) 0x address, parsed to its 20 bytes. */
export const addressInput = z.string().transform((s, ctx) => {
  try {
    return parseAddress(s);
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: (e as Error).message });
    return z.NEVER;
  }
});

/**
 * Deepest row a page may start at (Etherscan's page × offset cap): a page skips its rows in an index,
 * so depth costs time. Address history deeper than this is read with its `before` cursor.
 */
export const MAX_PAGE_OFFSET = 10_000;

const pageFields = {
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  limit: z.coerce.number().int().min(1).max(100).default(20),
};
const withinOffset = (p: { page: number; limit: number }) => (p.page - 1) * p.limit <= MAX_PAGE_OFFSET;

export const pagingQuery = z
  .object(pageFields)
  .refine(withinOffset, { message: `must start within the first ${MAX_PAGE_OFFSET} rows`, path: ['page'], params: { code: 'page-too-deep' } });

/** Where an address's confirmed history continues, newest first: every row strictly older than this one. */
export interface HistoryCursor {
  height: number;
  index: number;
}

/** `<height>:<index>`, both decimal without leading zeros and below 2^32 (the index key holds them as u32 BE). */
const HISTORY_CURSOR = /^(0|[1-9]\d{0,9}):(0|[1-9]\d{0,9})$/;
const U32_MAX = 0xffff_ffff;

export function formatHistoryCursor(c: HistoryCursor): string {
  return `${c.height}:${c.index}`;
}

/**
 * A history cursor as the node returns it in `next`; anything else, a repeated parameter (an array)
 * included, is a 400 `bad-cursor`.
 */
export const historyCursor = z
  .unknown()
  .transform((s, ctx): HistoryCursor => {
    const m = typeof s === 'string' && s.length <= 21 ? HISTORY_CURSOR.exec(s) : null;
    const height = m ? Number(m[1]) : NaN;
    const index = m ? Number(m[2]) : NaN;
    if (!(height <= U32_MAX && index <= U32_MAX)) {
      ctx.addIssue({ code: 'custom', message: 'must be a cursor <height>:<index> as returned in `next`', params: { code: 'bad-cursor' } });
      return z.NEVER;
    }
    return { height, index };
  })
  .meta({ type: 'string', pattern: HISTORY_CURSOR.source, description: 'the `next` of the previous page: rows strictly older than <height>:<index>' });

/**
 * Paging of an address's history: by page within the first MAX_PAGE_OFFSET rows, or at any depth by
 * `before`, the `next` cursor of the previous answer (it seeks the index, so every page costs the same).
 */
export const addressHistoryQuery = z
  .object({ ...pageFields, before: historyCursor.optional() })
  .refine((p) => p.before === undefined || p.page === 1, { message: 'is not used with `before`: the cursor says where the page starts', path: ['page'], params: { code: 'bad-cursor' } })
  .refine(withinOffset, {
    message: `must start within the first ${MAX_PAGE_OFFSET} rows; page deeper with before=<the previous answer's next>`,
    path: ['page'],
    params: { code: 'page-too-deep' },
  });

/** A signed transfer, either raw (hex of the canonical encoding) or field by field. */
export const signedTx = z.union([
  z.object({ raw: hex().refine((s) => s.length > 0 && s.length <= 300_000, 'must be a non-empty transaction encoding') }).strict(),
  z
    .object({
      chainId: z.number().int().min(0).max(0xffffffff),
      nonce: u64,
      fee: u64,
      to: addressInput,
      amount: u64,
      data: hex().optional(),
      publicKey: hex(33),
      signature: hex(64),
    })
    .strict(),
]);

/** Intensity presets: the percentage of the time each mining thread hashes (what desktop miners offer). */
export const INTENSITY_PERCENT = { low: 25, medium: 50, high: 100 } as const;

export const intensityInput = z.union([z.enum(['low', 'medium', 'high']), z.number().int().min(1).max(100)]);

export const miningStartBody = z
  .object({
    address: addressInput.optional(),
    threads: z.number().int().min(1).max(256).optional(),
    intensity: intensityInput.optional(),
  })
  .strict();

export const generateBody = z.object({ count: z.number().int().min(1).max(1000), address: addressInput }).strict();

const heightOrHash = /^(\d{1,10}|[0-9a-fA-F]{64})$/;
export const hashOrHeight = z.object({ id: z.string().regex(heightOrHash, 'must be a block height or a 64-hex-digit block hash') });
export const txIdParam = z.object({ id: z.string().regex(/^[0-9a-fA-F]{64}$/, 'must be a 64-hex-digit transaction id') });
export const addressParam = z.object({ address: addressInput });

/** A multiaddr naming its peer, or the host:port of a node's HTTP API (which reports its multiaddrs). */
const peerAddress = z
  .string()
  .max(512)
  .regex(
    /^(\/(ip4|ip6|dns|dns4|dns6)\/[^/\s]+\/tcp\/\d{1,5}(\/[^/\s]+)*\/p2p\/[1-9A-HJ-NP-Za-km-z]{10,128}|(https?:\/\/)?([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]):\d{1,5}\/?)$/,
    'must be a multiaddr ending in /p2p/<peer id>, or host:port of a node',
  );
export const connectBody = z.object({ address: peerAddress }).strict();
export const disconnectBody = z.object({ peerId: z.string().min(10).max(128), ban: z.boolean().optional() }).strict();
export const unbanBody = z.object({ peerId: z.string().min(10).max(128) }).strict();
export const syncBody = z.object({ timeoutMs: z.number().int().min(100).max(120_000).optional() }).strict();

/** Most headers one /api/headers call returns (as Bitcoin's `headers` message). */
export const MAX_HEADERS_PER_CALL = 2_000;
export const blockQuery = z.object({ block: z.string().regex(heightOrHash, 'must be a block height or a 64-hex-digit block hash').optional() }).strict();
export const headersQuery = z
  .object({
    from: z.coerce.number().int().min(0).max(0xffff_ffff),
    count: z.coerce.number().int().min(1).max(MAX_HEADERS_PER_CALL).default(MAX_HEADERS_PER_CALL),
    format: z.enum(['hex', 'binary']).default('hex'),
  })
  .strict();
export const storageParams = z.object({ contract: addressInput, key: z.string().min(1).max(1024) });

/** Gas cap of read-only contract calls and estimates (also their default). */
export const CALL_GAS_CAP = 10_000_000;
const args = z.array(z.unknown()).max(64).default([]);
const fnName = z.string().regex(/^[A-Za-z_$][\w$]{0,63}$/, 'must be a function name');
const baseUnits = z.string().regex(/^\d{1,20}$/, 'must be a decimal string of base units').default('0');
const gasPrice = z.string().regex(/^(0|[1-9]\d{0,19})$/, 'must be a decimal string').default('1');

export const contractCallBody = z
  .object({
    contractAddress: addressInput,
    functionName: fnName,
    parameters: args,
    from: addressInput.optional(),
    gasLimit: z.number().int().min(1).max(CALL_GAS_CAP).default(CALL_GAS_CAP),
  })
  .strict();

export const estimateGasBody = z.union([
  z
    .object({ type: z.literal('deploy'), from: addressInput, contractCode: z.string().min(1).max(65_536), initData: args, value: baseUnits, gasPrice })
    .strict(),
  z
    .object({ type: z.literal('call').default('call'), from: addressInput, contractAddress: addressInput, functionName: fnName, parameters: args, value: baseUnits, gasPrice })
    .strict(),
]);

/**
 * Storage slots of a contract that GET /api/contracts/:address lists and GET /api/contracts counts:
 * the first this many in key byte order. A count of this many means at least as many.
 */
export const STORAGE_LIST_CAP = 1_000;

/**
 * `storage` slots at most per answer (fewer when their JSON would pass the node's byte budget),
 * continuing after the key `storageAfter`: the previous answer's `storageNext`.
 */
export const contractQuery = z.object({
  events: z.coerce.number().int().min(0).max(500).default(50),
  storage: z.coerce.number().int().min(0).max(STORAGE_LIST_CAP).default(100),
  storageAfter: z.string().min(1).max(1024).optional(),
});
