/** µs per call of `fn`: the median of 5 rounds of `calls / 5`, after a warm-up (the same in Node and in the browser). */
export function medianMicros(fn: () => unknown, calls: number): number {
  const per = Math.max(1, Math.floor(calls / 5));
  for (let i = 0; i < 50; i++) fn();
  const rounds: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    for (let i = 0; i < per; i++) fn();
    rounds.push(((performance.now() - t0) / per) * 1000);
  }
  return rounds.sort((a, b) => a - b)[2]!;
}
