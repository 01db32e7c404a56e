import { formatAddress } from '../primitives/address.js';
import { hexToBytes } from '../encoding/bytes.js';
import { UntrustworthyNode, type ProofSource } from './light-client.js';

// Core compiles without DOM or Node typings; browsers and Node 18+ both have fetch.
declare const fetch: (url: string) => Promise<{ ok: boolean; status: number; json(): Promise<unknown> }>;

const HEX = /^[0-9a-fA-F]*$/;

function field(obj: unknown, name: string): unknown {
  return typeof obj === 'object' && obj !== null ? (obj as Record<string, unknown>)[name] : undefined;
}

function hexField(obj: unknown, name: string): Uint8Array {
  const v = field(obj, name);
  if (typeof v !== 'string' || v.length % 2 !== 0 || !HEX.test(v)) throw new UntrustworthyNode(`node answered without a hex ${name}`);
  return hexToBytes(v);
}

function decimalField(obj: unknown, name: string): bigint {
  const v = field(obj, name);
  if (typeof v !== 'string' || !/^\d{1,20}$/.test(v)) throw new UntrustworthyNode(`node answered without a decimal ${name}`);
  return BigInt(v);
}

/** The node's proof routes over HTTP (docs/api.md, "Proofs for light clients"). */
export function httpProofSource(baseUrl: string): ProofSource {
  const base = baseUrl.replace(/\/+$/, '');
  const get = async (path: string): Promise<unknown> => {
    const res = await fetch(`${base}${path}`);
    if (!res.ok) throw new Error(`${path.split('?')[0]} answered ${res.status}`);
    return res.json();
  };
  return {
    async headers(from) {
      const body = await get(`/api/headers?from=${from}&count=2000`).catch((e: Error) => {
        // Past the node's tip: nothing new.
        if (e.message.endsWith(' 404')) return { headers: [], chainWork: '0' };
        throw e;
      });
      const list = field(body, 'headers');
      const work = field(body, 'chainWork');
      if (!Array.isArray(list) || typeof work !== 'string' || !HEX.test(work) || work.length === 0 || work.length > 64) {
        throw new UntrustworthyNode('node answered /api/headers without headers or chain work');
      }
      return { headers: list.map((_, i) => hexField(list, String(i))), chainWork: BigInt(`0x${work}`) };
    },
    async accountProof(address, blockId) {
      const body = await get(`/api/proof/account/${formatAddress(address)}?block=${blockId}`);
      const account = field(body, 'account');
      return { proof: hexField(body, 'proof'), claimed: { balance: decimalField(account, 'balance'), nonce: decimalField(account, 'nonce') } };
    },
    async storageProof(contract, key, blockId) {
      const body = await get(`/api/proof/storage/${formatAddress(contract)}/${encodeURIComponent(key)}?block=${blockId}`);
      const value = field(body, 'value');
      if (value !== null && typeof value !== 'string') throw new UntrustworthyNode('node answered without a storage value');
      return { proof: hexField(body, 'proof'), claimed: value };
    },
  };
}
