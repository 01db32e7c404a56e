import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const NODE_DIR = fileURLToPath(new URL('..', import.meta.url));
const SEQUENCE = fileURLToPath(new URL('./contract-differential/sequence.ts', import.meta.url));
const HOST_FAULT = fileURLToPath(new URL('./contract-differential/host-fault.ts', import.meta.url));
const SALTED_HEAP = fileURLToPath(new URL('./contract-differential/salted-heap.ts', import.meta.url));
/** CONTRACT_DIFF_SEEDS=1,2,3,… and CONTRACT_DIFF_BLOCKS=N make a longer run. */
const SEEDS = (process.env.CONTRACT_DIFF_SEEDS ?? '11,23').split(',').map(Number);
const BLOCKS = Number(process.env.CONTRACT_DIFF_BLOCKS ?? 14);

async function script(stackKb: number, path: string, args: string[] = [], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const { stdout } = await run(process.execPath, [`--stack-size=${stackKb}`, '--import', 'tsx', path, ...args], {
    cwd: NODE_DIR,
    env,
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout;
}

describe('contract execution does not depend on the host stack or JIT state (separate processes)', () => {
  // 600 KB: the smallest round figure above what loadContractEngine requires free (host-stack.ts, 512 KiB).
  it.each(SEEDS)('seed %i: fresh 600 KB, fresh 2000 KB and warmed 600 KB processes agree on every verdict, receipt and state root', async (seed) => {
    const [small, large, warmed] = await Promise.all([
      script(600, SEQUENCE, [String(seed), String(BLOCKS)]),
      script(2000, SEQUENCE, [String(seed), String(BLOCKS)]),
      script(600, SEQUENCE, [String(seed), String(BLOCKS), '--warm']),
    ]);
    expect(large).toBe(small);
    expect(warmed).toBe(small);
    const lines = small.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const roots = lines.filter((l) => typeof l.stateRoot === 'string');
    expect(roots).toHaveLength(BLOCKS);
    // Whatever the mempool refused, a block carrying it is refused under the same rule.
    const rules = lines.filter((l) => typeof l.rule === 'string').map((l) => l.rule);
    const blockRules = lines.filter((l) => 'blockWithRejected' in l).map((l) => l.blockWithRejected);
    expect(blockRules).toEqual(rules);
    const statuses = new Set(lines.map((l) => (l.receipt as { status?: string } | null | undefined)?.status).filter(Boolean));
    // With the 4 KiB string cap and the per-length prices some generated calls now end out of gas.
    expect([...statuses].filter((s) => s === 'success' || s === 'reverted')).toHaveLength(2);
    expect([...statuses].every((s) => s === 'success' || s === 'reverted' || s === 'out-of-gas')).toBe(true);
  }, 120_000);

  it("a deep chain of bound functions under a nested call ends on QuickJS's own stack limit, whatever the host stack", async () => {
    const [reference, ...smaller] = await Promise.all([2000, 400, 150, 80].map((kb) => script(kb, HOST_FAULT)));
    expect(JSON.parse(reference!)).toMatchObject({ status: 'success', returnValue: 'call reverted: InternalError: stack overflow' });
    // Native bound functions recursed on the host's stack, not QuickJS's: at 80 KB the host ran out first and the
    // node reached no verdict (before HostFaults the caller caught "Maximum call stack size exceeded"). Every bind
    // now binds a metering function, so the recursion is QuickJS's and the verdict no longer depends on the host.
    for (const out of smaller) expect(out).toBe(reference);
  }, 120_000);

  it('calls that once read heap bytes salted per process agree under two hash keys', async () => {
    const [a, b] = await Promise.all(
      ['11'.repeat(20), '22'.repeat(20)].map((key) => script(2000, SALTED_HEAP, [], { ...process.env, HACKCOIN_QUICKJS_HASH_KEY: key })),
    );
    expect(b).toBe(a);
    const sort = JSON.parse(a!.split('\n')[0]!) as { status: string; storage: Record<string, string> };
    // Storage holds JSON.
    expect([sort.status, sort.storage.error]).toEqual(['success', '"TypeError: a buffer was resized or transferred during a typed array sort"']);
  }, 120_000);
});
