import { readdirSync } from 'node:fs';
import { statCpuSeconds } from './p2p/proc.js';

/** CPU time (ms) of each thread of this process, by thread id; empty where /proc is not there. */
function threadTimes(): Map<string, number> {
  const out = new Map<string, number>();
  let tids: string[];
  try {
    tids = readdirSync('/proc/self/task');
  } catch {
    return out;
  }
  for (const tid of tids) {
    const seconds = statCpuSeconds(`/proc/self/task/${tid}/stat`);
    // NaN: the thread ended between the listing and the read.
    if (!Number.isNaN(seconds)) out.set(tid, seconds * 1000);
  }
  return out;
}

/**
 * Where a timed run's CPU went: the main thread against every other thread of the process
 * (LevelDB's writer and compaction, the collector's helpers, verify workers), so a figure
 * can say which one bounds it. Linux only; undefined elsewhere.
 */
export function threadCpu(): () => { main: number; others: number } | undefined {
  const before = threadTimes();
  return () => {
    const after = threadTimes();
    if (after.size === 0) return undefined;
    let main = 0;
    let others = 0;
    for (const [tid, t] of after) {
      const spent = t - (before.get(tid) ?? 0);
      if (tid === String(process.pid)) main += spent;
      else others += spent;
    }
    return { main, others };
  };
}
