/**
 * Build fingerprints: a hash over the path, size and modification time of every
 * input file. Cheap enough (a few ms) to check on every `npm start` and every
 * CLI run, so compiled code is used only when it matches the sources.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(fileURLToPath(import.meta.url), '../..');
export const STAMP_FILE = '.build-stamp';

const SKIP_DIRS = new Set(['node_modules', 'dist', 'build', 'coverage']);

/** What each target is built from (directories are walked, files taken as they are). */
export const TARGETS = {
  node: {
    inputs: ['packages/core/src', 'packages/node/src', 'packages/core/package.json', 'packages/node/package.json', 'scripts/build.mjs'],
    link: 'packages/node/dist',
  },
  web: {
    inputs: [
      'packages/core/src', 'packages/web/src', 'packages/web/public', 'packages/web/index.html',
      'packages/web/vite.config.ts', 'packages/web/package.json', 'scripts/build.mjs',
    ],
    link: 'packages/web/dist',
  },
};

function walk(abs, out) {
  let st;
  try {
    st = statSync(abs);
  } catch {
    return;
  }
  if (st.isDirectory()) {
    for (const name of readdirSync(abs).sort()) {
      if (SKIP_DIRS.has(name) || name.startsWith('dist-')) continue;
      walk(join(abs, name), out);
    }
  } else if (st.isFile()) {
    out.push(`${relative(ROOT, abs)}\0${st.size}\0${st.mtimeMs}`);
  }
}

export function fingerprint(target) {
  const lines = [];
  for (const input of TARGETS[target].inputs) walk(join(ROOT, input), lines);
  return createHash('sha256').update(lines.join('\n')).digest('hex');
}

/** The fingerprint the current build of `target` was made from, or undefined. */
export function builtFingerprint(target) {
  try {
    return readFileSync(join(ROOT, TARGETS[target].link, STAMP_FILE), 'utf8').trim();
  } catch {
    return undefined;
  }
}

export function isFresh(target) {
  return builtFingerprint(target) === fingerprint(target);
}
