/**
 * BIP320's general-purpose bits of the header version: the ones BIP310 version rolling lets a
 * miner change, as ASIC firmware does to get more work out of one job than the nonce gives. The
 * bits outside it stay the job's, so a rolled header keeps consensus's `version >= blockVersion`.
 */
export const POOL_VERSION_MASK = 0x1fffe000;

/**
 * The mask agreed for a BIP310 "version-rolling" request: the bits the miner asked for (all, when it
 * names none) that the pool allows. Null declines it: a mask that is not 1 to 8 hex digits, or fewer
 * bits than the miner's `version-rolling.min-bit-count`, which BIP310 answers with false.
 */
export function negotiateVersionRolling(params: Record<string, unknown>): number | null {
  const asked = parseVersionBits(params['version-rolling.mask'] ?? 'ffffffff');
  const minBits = params['version-rolling.min-bit-count'] ?? 0;
  if (asked === null) return null;
  if (typeof minBits !== 'number' || !Number.isInteger(minBits) || minBits < 0) return null;
  const mask = (asked & POOL_VERSION_MASK) >>> 0;
  return bitCount(mask) >= minBits ? mask : null;
}

/**
 * A share's sixth parameter: 1 to 8 hex digits, as the mask is (miners that print the bits unpadded
 * are as right as those that pad them to 8). Null for anything else.
 */
export function parseVersionBits(s: unknown): number | null {
  if (typeof s !== 'string' || !/^[0-9a-fA-F]{1,8}$/.test(s)) return null;
  return parseInt(s, 16) >>> 0;
}

/** The header version of a share: the job's, with the bits inside the mask the miner's (BIP310). */
export function rollVersion(version: number, bits: number, mask: number): number {
  return ((version & ~mask) | (bits & mask)) >>> 0;
}

function bitCount(n: number): number {
  let count = 0;
  for (let v = n >>> 0; v !== 0; v >>>= 1) count += v & 1;
  return count;
}
