#!/usr/bin/env node
// Runs the compiled CLI (packages/node/dist, built at `npm install` and by `npm run build`) when it
// matches the sources; otherwise — or with HACKCOIN_NODE_ENTRY=src — the TypeScript sources through
// tsx, so an edited checkout never runs stale code.
import { isFresh } from '../../../scripts/build-stamp.mjs';

const entry = process.env.HACKCOIN_NODE_ENTRY;
if (entry === 'dist' || (entry !== 'src' && isFresh('node'))) {
  await import('../dist/cli/main.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
