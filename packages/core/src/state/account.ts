import { BufferReader } from '../encoding/reader.js';
import { BufferWriter } from '../encoding/writer.js';

export interface Account {
  balance: bigint;
  /** The nonce the account's next transaction must carry. */
  nonce: bigint;
}

export const EMPTY_ACCOUNT: Readonly<Account> = Object.freeze({ balance: 0n, nonce: 0n });

export function encodeAccount(a: Account): Uint8Array {
  return new BufferWriter(16).u64(a.balance).u64(a.nonce).finish();
}

export function decodeAccount(bytes: Uint8Array): Account {
  const r = new BufferReader(bytes);
  const a = { balance: r.u64(), nonce: r.u64() };
  r.done();
  return a;
}

export function isEmptyAccount(a: Account): boolean {
  return a.balance === 0n && a.nonce === 0n;
}
