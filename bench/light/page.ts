/// <reference lib="dom" />
/**
 * The browser half of the light-client bench, bundled by esbuild and run in
 * Chromium: the wallet's own code (core's verifier, LightClient over HTTP,
 * web's IndexedDB header store), driven from bench/light-client.ts.
 */
import { HeaderChain, LightClient, hexToBytes, httpProofSource, verifyStateProof, type ConsensusParams } from '../../packages/core/src/index.ts';
import { loadHeaders, saveHeaders } from '../../packages/web/src/lib/header-store.ts';
import { medianMicros } from './timing.ts';

export interface VerifyTiming {
  microsPerProof: number;
  proofs: number;
}

export interface SyncTiming {
  height: number;
  /** Fetching /api/headers in 2,000-header pages and checking every header (PoW, retarget, MTP, links). */
  fetchAndVerifyMs: number;
  saveMs: number;
  /** A reload: the stored headers read back and checked again from genesis (HeaderChain.restore of a window that never slid). */
  reloadMs: number;
  stored: number;
}

/** Median of 5 rounds of `proofs / 5` verifications, after a warm-up. */
function verify(proofHex: string, blockHashHex: string, height: number, addressHex: string, proofs: number): VerifyTiming {
  const proof = hexToBytes(proofHex);
  const expect = { blockHash: hexToBytes(blockHashHex), height, address: hexToBytes(addressHex) };
  return { microsPerProof: medianMicros(() => verifyStateProof(proof, expect), proofs), proofs };
}

async function sync(params: ConsensusParams, store: string): Promise<SyncTiming> {
  // 10,000 confirmations (the wallet's highest setting) make it hold every header, so all can be stored as the web app does.
  const client = new LightClient(httpProofSource(location.origin), params, 10_000);
  let t0 = performance.now();
  await client.sync();
  const fetchAndVerifyMs = performance.now() - t0;
  t0 = performance.now();
  await saveHeaders(store, client.headers.saved());
  const saveMs = performance.now() - t0;
  t0 = performance.now();
  const back = await loadHeaders(store);
  const again = HeaderChain.fromGenesis(params, 10_000);
  if (!back || back.height !== 1 || !again.restore(back, Math.floor(Date.now() / 1000))) throw new Error('no headers from height 1 read back from IndexedDB');
  const reloadMs = performance.now() - t0;
  if (again.tip.id !== client.headers.tip.id) throw new Error('headers read back from IndexedDB differ');
  return { height: client.headers.height, fetchAndVerifyMs, saveMs, reloadMs, stored: back.headers.length };
}

(globalThis as unknown as { hackcoinBench: unknown }).hackcoinBench = { verify, sync };
