/**
 * Flags every launcher of the node passes to Node (npm start's literal copy is
 * in package.json): a 32 MiB young generation lets a 1,000-transaction block's
 * short-lived objects die before a scavenge instead of being copied and
 * promoted (about a third less GC time, bench/); an idle node never grows it.
 * V8 sizes the heap at start-up, so this cannot be set from inside.
 */
export const NODE_RUNTIME_FLAGS: readonly string[] = ['--max-semi-space-size=32'];
