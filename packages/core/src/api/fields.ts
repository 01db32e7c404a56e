import { z } from './zod.js';

/**
 * Field types of the node's JSON answers. Answers are checked, never transformed: a schema here
 * describes the exact JSON the node sends, so a client that parses with it sees what was sent.
 */

/** Amounts are decimal strings of base units: JSON numbers lose precision past 2^53. */
export const amountJson = z.string().regex(/^\d{1,20}$/, 'must be a decimal string of base units');
/** A 64-hex-digit block hash or transaction id, lower case, as the explorer shows it. */
export const hashJson = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex digits');
/** Bytes as lower-case hex without a prefix. */
export const hexJson = z.string().regex(/^([0-9a-f]{2})*$/, 'must be lower-case hex');
/** A checksummed 0x address. */
export const addressJson = z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'must be a 0x address');
/** Accumulated chain work as hex without a prefix. */
export const workJson = z.string().regex(/^[0-9a-f]+$/, 'must be hex');
export const count = z.number().int().nonnegative();
export const height = z.number().int().nonnegative();
/** Seconds since 1970 that a header's u32 can hold: a client formats it as a date, which throws far past that. */
export const unixSeconds = z.number().nonnegative().max(0xffff_ffff);
/** An ISO 8601 date-time, as Date#toISOString writes it. */
export const isoTime = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/, 'must be an ISO 8601 UTC time');

export const pageInfo = { page: z.number().int().min(1), limit: z.number().int().min(1) };
