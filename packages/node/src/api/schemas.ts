import { z } from 'zod';
import { parseAddress } from '@hackcoin/core';

const u64 = z
  .union([z.string().regex(/^\d{1,20}$/, 'must be a decimal string of base units'), z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER)])
  .transform((v) => BigInt(v))
  .refine((v) => v < 1n << 64n, 'must fit in 64 bits');

const hex = (bytes?: number) =>
  z
    .string()
    .regex(/^(0x)?([0-9a-fA-F]{2})*$/, 'must be hex')
    .refine((s) => bytes === undefined || s.replace(/^0x/, '').length === bytes * 2, `must be ${bytes} bytes of hex`);

export const address = z.string().transform((s, ctx) => {
  try {
    return parseAddress(s);
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: (e as Error).message });
    return z.NEVER;
  }
});

/** Deepest row a page may start at: history pages skip rows in the index, so depth costs time. */
export const MAX_PAGE_OFFSET = 100_000;

export const paging = z
  .object({
    page: z.coerce.number().int().min(1).max(1_000_000).default(1),
    limit: z.coerce.number().int().min(1).max(100).default(20),
  })
  .refine((p) => (p.page - 1) * p.limit <= MAX_PAGE_OFFSET, { message: `must start within the first ${MAX_PAGE_OFFSET} rows`, path: ['page'] });

/** A signed transfer, either raw (hex of the canonical encoding) or field by field. */
export const signedTx = z.union([
  z.object({ raw: hex().refine((s) => s.length > 0 && s.length <= 300_000, 'must be a non-empty transaction encoding') }).strict(),
  z
    .object({
      chainId: z.number().int().min(0).max(0xffffffff),
      nonce: u64,
      fee: u64,
      to: address,
      amount: u64,
      data: hex().optional(),
      publicKey: hex(33),
      signature: hex(64),
    })
    .strict(),
]);

export const miningStart = z
  .object({
    address: address.optional(),
    threads: z.number().int().min(1).max(256).optional(),
    intensity: z.union([z.enum(['low', 'medium', 'high']), z.number().int().min(1).max(100)]).optional(),
  })
  .strict();

export const generate = z
  .object({
    count: z.number().int().min(1).max(1000),
    address,
  })
  .strict();

export const hashOrHeight = z.object({
  id: z.string().regex(/^(\d{1,10}|[0-9a-fA-F]{64})$/, 'must be a block height or a 64-hex-digit block hash'),
});

export const txIdParam = z.object({ id: z.string().regex(/^[0-9a-fA-F]{64}$/, 'must be a 64-hex-digit transaction id') });
export const addressParam = z.object({ address });
