import { readdirSync, readFileSync } from 'node:fs';

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
    try {
      // Fields after the parenthesised name: utime and stime are the 12th and 13th, in clock ticks (100 Hz).
      const fields = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      out.set(tid, (Number(fields[11]) + Number(fields[12])) * 10);
    } catch {
      // the thread ended
    }
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
