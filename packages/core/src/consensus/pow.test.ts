import { describe, it, expect } from 'vitest';
import { difficultyFromBits, hashMeetsTarget, targetFromBits, workFromBits, workFromTarget } from './pow.js';
import { bigIntToBytesLE } from '../encoding/bytes.js';
import { powLimit } from './difficulty.js';
import { NETWORKS } from './params.js';

const MAIN_LIMIT = powLimit(NETWORKS.main);

describe('targetFromBits', () => {
  it('returns the target for valid bits under the limit', () => {
    expect(targetFromBits(0x1d00ffff, MAIN_LIMIT)).toBe(0xffffn << 208n);
    expect(targetFromBits(0x1f00ffff, MAIN_LIMIT)).toBe(MAIN_LIMIT);
  });

  it('returns null for negative, zero, overflowing or too-easy bits', () => {
    expect(targetFromBits(0x04923456, MAIN_LIMIT)).toBeNull(); // negative
    expect(targetFromBits(0x01003456, MAIN_LIMIT)).toBeNull(); // zero
    expect(targetFromBits(0x00000000, MAIN_LIMIT)).toBeNull();
    expect(targetFromBits(0xff123456, MAIN_LIMIT)).toBeNull(); // overflow
    expect(targetFromBits(0x1f010000, MAIN_LIMIT)).toBeNull(); // one step above limit
    expect(targetFromBits(0x207fffff, MAIN_LIMIT)).toBeNull(); // regtest bits on main
    expect(targetFromBits(0x207fffff, powLimit(NETWORKS.regtest))).toBe(0x7fffffn << 232n);
  });
});

describe('hashMeetsTarget', () => {
  it('reads the hash little-endian and accepts hash == target', () => {
    const target = 0x1234n << 200n;
    expect(hashMeetsTarget(bigIntToBytesLE(target, 32), target)).toBe(true);
    expect(hashMeetsTarget(bigIntToBytesLE(target + 1n, 32), target)).toBe(false);
    expect(hashMeetsTarget(bigIntToBytesLE(target - 1n, 32), target)).toBe(true);
  });

  it('a high byte at index 31 (most significant) fails, at index 0 passes', () => {
    const target = 1n << 248n;
    const low = new Uint8Array(32);
    low[0] = 0xff;
    const high = new Uint8Array(32);
    high[31] = 0x02;
    expect(hashMeetsTarget(low, target)).toBe(true);
    expect(hashMeetsTarget(high, target)).toBe(false);
  });
});

describe('work', () => {
  it("workFromBits(0x1d00ffff) = 0x100010001 (Bitcoin's chainwork per diff-1 block)", () => {
    expect(workFromBits(0x1d00ffff)).toBe(0x100010001n);
  });

  it('workFromTarget is 2^256 / (target + 1)', () => {
    expect(workFromTarget((1n << 256n) - 1n)).toBe(1n);
    expect(workFromTarget(0n)).toBe(1n << 256n);
    expect(workFromTarget((1n << 255n) - 1n)).toBe(2n);
  });

  it('invalid bits carry no work', () => {
    expect(workFromBits(0)).toBe(0n);
    expect(workFromBits(0x04923456)).toBe(0n);
    expect(workFromBits(0xff123456)).toBe(0n);
  });

  it('harder targets carry more work', () => {
    expect(workFromBits(0x1c00ffff)).toBe(workFromTarget(0xffffn << 200n));
    expect(workFromBits(0x1c00ffff) > workFromBits(0x1d00ffff)).toBe(true);
  });
});

describe('difficultyFromBits (Bitcoin Core GetDifficulty values)', () => {
  it('0x1d00ffff is difficulty 1', () => {
    expect(difficultyFromBits(0x1d00ffff)).toBe(1);
  });

  it('block 100000 (0x1b04864c) is 14484.1623612254', () => {
    expect(difficultyFromBits(0x1b04864c)).toBeCloseTo(14484.1623612254, 9);
  });

  it('Bitcoin Core blockchain_tests vectors', () => {
    expect(difficultyFromBits(0x1f111111)).toBeCloseTo(0.000001, 5);
    // Exactly 0xffff / (0x111111 * 2^16): it must not be rounded away.
    expect(difficultyFromBits(0x1f111111) / (0xffff / 0x111111 / 65536)).toBeCloseTo(1, 12);
    expect(difficultyFromBits(0x12345678)).toBeCloseTo(5913134931067755359633408.0, 0);
  });

  it('keeps relative precision for tiny difficulties', () => {
    // HackCoin main/test limit 0x1f00ffff is exactly 2^-16.
    expect(difficultyFromBits(0x1f00ffff)).toBe(1 / 65536);
    // Bitcoin Core reports 4.656542373906925e-10 for regtest's 0x207fffff.
    expect(difficultyFromBits(0x207fffff)).toBeCloseTo(4.656542373906925e-10, 24);
    expect(difficultyFromBits(0x207fffff) / 4.656542373906925e-10).toBeCloseTo(1, 12);
  });

  it('zero target is difficulty 0', () => {
    expect(difficultyFromBits(0)).toBe(0);
  });
});
