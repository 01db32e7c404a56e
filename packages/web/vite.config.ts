import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import tailwindcss from '@tailwindcss/vite';

/** The node the dev server proxies to (`npm run dev`); the production build is served by the node itself. */
const NODE_URL = process.env.HACKCOIN_NODE_URL ?? 'http://127.0.0.1:3001';

export default defineConfig({
  plugins: [react(), tailwindcss()],
  resolve: {
    // core is isomorphic TypeScript source in the workspace: compile it, do not pre-bundle it.
    alias: { '@hackcoin/core': fileURLToPath(new URL('../core/src/index.ts', import.meta.url)) },
  },
  optimizeDeps: {
    exclude: ['@hackcoin/core'],
    include: [
      '@noble/curves/secp256k1.js',
      '@noble/hashes/scrypt.js',
      '@noble/hashes/sha2.js',
      '@noble/hashes/sha3.js',
      '@noble/hashes/utils.js',
      '@scure/bip32',
      '@scure/bip39',
      '@scure/bip39/wordlists/english.js',
    ],
  },
  server: {
    proxy: {
      '/api': { target: NODE_URL, changeOrigin: true },
      '/ws': { target: NODE_URL.replace(/^http/, 'ws'), ws: true },
    },
  },
  build: { target: 'es2022', sourcemap: false, reportCompressedSize: true },
});
