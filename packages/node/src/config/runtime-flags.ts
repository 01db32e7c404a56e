/**
 * Flags every launcher of the node passes to Node (npm start's literal copies
 * are in package.json and start-distributed.sh; runtime-flags.test.ts keeps
 * them equal). V8 reads both at start-up, so neither can be set from inside.
 *
 * - A 32 MiB young generation lets a 1,000-transaction block's short-lived
 *   objects die before a scavenge instead of being copied and promoted (about
 *   a third less GC time, bench/); an idle node never grows it.
 * - Half V8's default interrupt budget: functions a block runs once each (the
 *   per-block loops of validation, relay and storage) reach optimised code
 *   after about half as many blocks. A node just started spent 2–3× the CPU on
 *   each of its first six 1,000-transaction blocks; on 20 nodes sharing two
 *   cores the median block-to-all time fell from 432–516 ms to 318–379 ms,
 *   for ~10 % more CPU at start-up (docs/operations.md).
 */
export const NODE_RUNTIME_FLAGS: readonly string[] = ['--max-semi-space-size=32', '--interrupt-budget=32768'];
