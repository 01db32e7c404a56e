/**
 * Production build: core + node compiled to JavaScript by esbuild (one output
 * file per source file, so paths relative to import.meta.url keep working), and
 * the web app built by Vite.
 *
 *   node scripts/build.mjs [--if-stale] [node] [web]     (no target = both)
 *
 * Each build goes to a fresh directory `dist-<id>` beside the package's `dist`,
 * which is then switched atomically to the new build by renaming a symlink over
 * it: a running node keeps serving (and lazily importing) the files it started
 * with, and nodes started together (start-distributed, devnet) never see a
 * half-written tree. A lock directory makes concurrent builders wait for the
 * first; with --if-stale a target is rebuilt only when its sources changed.
 */
import { spawnSync } from 'node:child_process';
import {
  existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync,
} from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import { build } from 'esbuild';
import { ROOT, STAMP_FILE, TARGETS, fingerprint, builtFingerprint } from './build-stamp.mjs';

/**
 * Builds a running node may still load files from (worker entries are read when mining or
 * verification starts): the newest few and any made in the last hour are kept.
 */
const KEEP_BUILDS = 3;
const KEEP_RECENT_MS = 60 * 60_000;
const LOCK_STALE_MS = 10 * 60_000;

const args = process.argv.slice(2);
const ifStale = args.includes('--if-stale');
const named = args.filter((a) => !a.startsWith('--'));
for (const t of named) if (!(t in TARGETS)) throw new Error(`unknown build target ${t} (node, web)`);
const targets = named.length > 0 ? named : Object.keys(TARGETS);

function sourceFiles(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(p));
    else if (!/\.test\.tsx?$/.test(entry.name)) out.push(p);
  }
  return out;
}

/**
 * Pure-ESM dependency trees (libp2p's is hundreds of small modules) are bundled into
 * dist/_vendor, one entry per imported specifier with the shared code split into common
 * chunks, so each package exists once: loading them file by file cost more than half
 * of start-up (measured with bench/startup.ts). CommonJS packages, native addons and
 * packages that locate files beside their own modules (quickjs-emscripten) stay in
 * node_modules.
 */
const VENDORED = /^(libp2p|@libp2p\/|@chainsafe\/|@multiformats\/|multiformats|uint8arrays|@noble\/|@scure\/)/;
const SPECIFIER = /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)"([^"]+)"/g;

function vendorName(specifier) {
  return specifier.replace(/\.js$/, '').replace(/[^a-zA-Z0-9]+/g, '_');
}

function compiledFiles(outDir) {
  return sourceFiles(outDir).filter((f) => f.endsWith('.js') && !f.startsWith(join(outDir, '_vendor') + sep));
}

async function bundleVendored(outDir) {
  const specifiers = new Set();
  for (const file of compiledFiles(outDir)) {
    for (const m of readFileSync(file, 'utf8').matchAll(SPECIFIER)) if (VENDORED.test(m[2])) specifiers.add(m[2]);
  }
  await build({
    entryPoints: Object.fromEntries([...specifiers].map((s) => [vendorName(s), s])),
    absWorkingDir: join(ROOT, 'packages/node'),
    outdir: join(outDir, '_vendor'),
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // CommonJS inside the bundle (e.g. debug) requires Node built-ins.
    banner: { js: CJS_BANNER },
    logLevel: 'warning',
  });
  return specifiers;
}

/** Core is imported by package name and vendored trees by theirs; compiled, both point into the build. */
function pointImports(outDir, vendored) {
  for (const file of compiledFiles(outDir)) {
    const src = readFileSync(file, 'utf8');
    const to = (target) => {
      const rel = relative(dirname(file), target).split(sep).join('/');
      return rel.startsWith('.') ? rel : `./${rel}`;
    };
    const next = src.replace(SPECIFIER, (all, head, spec) => {
      if (spec === '@hackcoin/core') return `${head}"${to(join(outDir, '_core', 'index.js'))}"`;
      if (vendored.has(spec)) return `${head}"${to(join(outDir, '_vendor', `${vendorName(spec)}.js`))}"`;
      return all;
    });
    if (next !== src) writeFileSync(file, next);
  }
}

async function compileTree(srcDir, outDir) {
  const files = sourceFiles(srcDir);
  await build({
    entryPoints: files.filter((f) => f.endsWith('.ts')),
    outdir: outDir,
    outbase: srcDir,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: 'linked',
    logLevel: 'warning',
  });
  // Plain JavaScript (worker entries, example contracts) ships as it is.
  for (const f of files.filter((x) => !x.endsWith('.ts'))) {
    const to = join(outDir, relative(srcDir, f));
    mkdirSync(dirname(to), { recursive: true });
    writeFileSync(to, readFileSync(f));
  }
}

/**
 * CommonJS packages also bundled into the node and CLI entries (loading them file by file is
 * the next largest start-up cost). Only packages that never locate files beside their own
 * code (__dirname, require.resolve): @fastify/swagger(-ui), classic-level, secp256k1 and
 * quickjs-emscripten do, and stay in node_modules.
 */
const INLINED = /^(fastify|@fastify\/(websocket|static|rate-limit)|prom-client|zod|acorn|debug|ws)(\/|$)/;

const CJS_BANNER = "import { createRequire as __hcRequire } from 'node:module'; const require = __hcRequire(import.meta.url);";

/**
 * The node and the CLI are each one bundle (their own code, core and the vendored trees):
 * the ESM loader's per-module cost was most of the remaining start-up. A source file's
 * import.meta.url is rewritten to the URL its per-file output has beside the bundle, so
 * paths built from it (the web app, the native addon, worker files) still resolve; the
 * per-file outputs stay for the workers that import them.
 */
async function bundleEntry(outDir, entry) {
  const srcDir = join(ROOT, 'packages/node/src');
  const outfile = join(outDir, entry.replace(/\.ts$/, '.js'));
  await build({
    entryPoints: [join(srcDir, entry)],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: 'linked',
    // V8 keeps a script's whole source in memory, two bytes a character once one is not ASCII:
    // without comments and whitespace the bundle's source costs a fifth of the idle heap it did.
    minifyWhitespace: true,
    minifySyntax: true,
    keepNames: true,
    legalComments: 'none',
    charset: 'ascii',
    banner: { js: CJS_BANNER },
    logLevel: 'warning',
    plugins: [
      {
        name: 'hackcoin-layout',
        setup(b) {
          // zod's namespaces (z.locales, z.core.locales) re-export every locale, so all ~300 KB of them stay in
          // the bundle for V8 to compile at each start; nothing here selects one but English, zod's default.
          b.onLoad({ filter: /[\\/]node_modules[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, () => ({
            contents: 'export { default as en } from "./en.js";',
            loader: 'js',
          }));
          // Our imports of non-vendored packages stay imports; inside a vendored tree everything is bundled.
          b.onResolve({ filter: /^[^./#]/ }, (args) =>
            args.importer.includes(`${sep}node_modules${sep}`) || args.path === '@hackcoin/core' || VENDORED.test(args.path) || INLINED.test(args.path)
              ? undefined
              : { path: args.path, external: true },
          );
          b.onLoad({ filter: /\.ts$/ }, (args) => {
            let contents = readFileSync(args.path, 'utf8');
            if (args.path.startsWith(srcDir + sep) && contents.includes('import.meta.url')) {
              const own = join(outDir, relative(srcDir, args.path)).replace(/\.ts$/, '.js');
              let rel = relative(dirname(outfile), own).split(sep).join('/');
              if (!rel.startsWith('.')) rel = `./${rel}`;
              contents = contents.replaceAll('import.meta.url', `new URL(${JSON.stringify(rel)}, import.meta.url).href`);
            }
            return { contents, loader: 'ts' };
          });
        },
      },
    ],
  });
}

async function buildNode(outDir) {
  await compileTree(join(ROOT, 'packages/core/src'), join(outDir, '_core'));
  await compileTree(join(ROOT, 'packages/node/src'), outDir);
  pointImports(outDir, await bundleVendored(outDir));
  await bundleEntry(outDir, 'main.ts');
  await bundleEntry(outDir, 'cli/main.ts');
}

function buildWeb(outDir) {
  const vite = join(ROOT, 'node_modules/vite/bin/vite.js');
  const r = spawnSync(process.execPath, [vite, 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'error'], {
    cwd: join(ROOT, 'packages/web'),
    stdio: 'inherit',
  });
  if (r.status !== 0) throw new Error(`vite build failed (exit ${r.status})`);
}

/** Points `link` at `outDir` in one rename; a real directory left by an older build is moved aside first. */
function switchTo(link, outDir) {
  const tmp = `${link}.tmp-${process.pid}`;
  rmSync(tmp, { force: true });
  // Windows junctions need an absolute target (and cannot always be renamed over one another).
  const windows = process.platform === 'win32';
  symlinkSync(windows ? outDir : basename(outDir), tmp, windows ? 'junction' : 'dir');
  try {
    if (!lstatSync(link).isSymbolicLink()) renameSync(link, `${link}-old-${Date.now()}`);
  } catch {
    // no previous build
  }
  try {
    renameSync(tmp, link);
  } catch (e) {
    if (!windows) throw e;
    rmSync(link, { force: true });
    renameSync(tmp, link);
  }
}

function pruneOldBuilds(link) {
  const dir = dirname(link);
  const prefix = `${basename(link)}-`;
  const builds = readdirSync(dir)
    .filter((n) => n.startsWith(prefix))
    .map((n) => ({ n, t: statSync(join(dir, n)).mtimeMs }))
    .sort((a, b) => b.t - a.t);
  for (const { n, t } of builds.slice(KEEP_BUILDS)) {
    if (Date.now() - t > KEEP_RECENT_MS) rmSync(join(dir, n), { recursive: true, force: true });
  }
}

async function withLock(name, fn) {
  const lock = join(ROOT, 'node_modules', `.hackcoin-build-${name}.lock`);
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      if (Date.now() - statSync(lock).mtimeMs > LOCK_STALE_MS) rmSync(lock, { recursive: true, force: true });
      else await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

for (const target of targets) {
  const { link: relLink } = TARGETS[target];
  const link = join(ROOT, relLink);
  await withLock(target, async () => {
    const print = fingerprint(target);
    if (ifStale && builtFingerprint(target) === print) return;
    const started = Date.now();
    const outDir = `${link}-${Date.now().toString(36)}-${process.pid}`;
    if (existsSync(outDir)) rmSync(outDir, { recursive: true, force: true });
    if (target === 'node') await buildNode(outDir);
    else buildWeb(outDir);
    writeFileSync(join(outDir, STAMP_FILE), `${print}\n`);
    switchTo(link, outDir);
    pruneOldBuilds(link);
    process.stderr.write(`built ${target} → ${relative(ROOT, outDir)} in ${Date.now() - started} ms\n`);
  });
}
