import type { BlockHeader } from '../../lib/types';
import type { Point } from '../../components/charts/LineChart';

/**
 * Hash rate from the chain itself: the work added over a window of blocks
 * (chainWork is cumulative expected hashes) divided by the time it took.
 */
export function hashRateFromBlocks(blocks: BlockHeader[]): number | null {
  if (blocks.length < 2) return null;
  const sorted = [...blocks].sort((a, b) => a.height - b.height);
  const first = sorted[0]!;
  const last = sorted[sorted.length - 1]!;
  const seconds = last.time - first.time;
  if (seconds <= 0) return null;
  const work = BigInt(`0x${last.chainWork}`) - BigInt(`0x${first.chainWork}`);
  return Number(work) / seconds;
}

export interface Series {
  blockTimes: Point[];
  difficulty: Point[];
  hashRate: Point[];
}

/** Per-block series for the dashboard charts (oldest first). */
export function blockSeries(blocks: BlockHeader[], window = 5): Series {
  const sorted = [...blocks].sort((a, b) => a.height - b.height);
  const blockTimes: Point[] = [];
  const hashRate: Point[] = [];
  sorted.forEach((b, i) => {
    // The genesis timestamp is a fixed constant, so the first interval says nothing about mining.
    if (i > 0 && b.height > 1) blockTimes.push({ x: b.height, y: Math.max(0, b.time - sorted[i - 1]!.time) });
    if (i >= window) {
      const r = hashRateFromBlocks(sorted.slice(i - window, i + 1));
      if (r !== null) hashRate.push({ x: b.height, y: r });
    }
  });
  return { blockTimes, difficulty: sorted.map((b) => ({ x: b.height, y: b.difficulty })), hashRate };
}
