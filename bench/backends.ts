/**
 * The signature and SHA-256 backends node processes said they loaded (their start-up line,
 * "signatures: …, sha256: …"), summarised: a bench's figures mean little without them, and a
 * node whose native addon failed to load runs the slower fallback without failing.
 */
export function reportedBackends(outputs: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const out of outputs) {
    const m = /signatures: (\S+), sha256: (\S+)/.exec(out);
    const k = m ? `signatures ${m[1]}, sha256 ${m[2]}` : 'not reported';
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return [...counts].map(([k, n]) => `${k} (${n} of ${outputs.length} nodes)`).join('; ');
}
