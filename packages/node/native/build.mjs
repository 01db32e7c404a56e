// Builds the SHA-256 mining addon with node-gyp at install time. Offline-safe:
// it points node-gyp at this Node's own headers when they are installed, and a
// failed build only means the miner uses its JavaScript fallback.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const prefix = dirname(dirname(process.execPath));
const args = ['rebuild', '-C', join(here, 'sha256d')];
if (existsSync(join(prefix, 'include', 'node', 'node.h'))) args.push(`--nodedir=${prefix}`);

const candidates = [
  process.env.npm_execpath && join(dirname(process.env.npm_execpath), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  join(prefix, 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
].filter(Boolean);
const gyp = candidates.find((p) => existsSync(p));
if (!gyp) {
  process.stderr.write('hackcoin: node-gyp not found; the miner will use its JavaScript SHA-256\n');
  process.exit(0);
}
const r = spawnSync(process.execPath, [gyp, ...args], { stdio: 'inherit' });
if (r.status !== 0) process.stderr.write('hackcoin: native SHA-256 addon did not build; the miner will use its JavaScript SHA-256\n');
process.exit(0);
