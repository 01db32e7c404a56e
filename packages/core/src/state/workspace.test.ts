import { describe, it, expect } from 'vitest';
import { StateWorkspace } from './workspace.js';
import { addressKey } from './commitment.js';
import type { Account } from './account.js';

const A = new Uint8Array(20).fill(0xa);
const B = new Uint8Array(20).fill(0xb);

describe('StateWorkspace', () => {
  const store = new Map<string, Account>([[addressKey(A), { balance: 100n, nonce: 1n }]]);

  it('loads copies, records the before-image once, and returns the same object per address', () => {
    const ws = new StateWorkspace((k) => store.get(k));
    const a = ws.get(A);
    a.balance -= 40n;
    expect(ws.get(A)).toBe(a);
    expect(ws.get(A).balance).toBe(60n);
    expect(store.get(addressKey(A))).toEqual({ balance: 100n, nonce: 1n });
    expect(ws.get(B)).toEqual({ balance: 0n, nonce: 0n });
    expect(ws.previous()).toEqual(new Map([[addressKey(A), { balance: 100n, nonce: 1n }], [addressKey(B), null]]));
    expect([...ws.changes().keys()].sort()).toEqual([addressKey(A), addressKey(B)]);
  });

  it('restore rolls back a failed transaction, forgetting accounts it first loaded', () => {
    const ws = new StateWorkspace((k) => store.get(k));
    ws.get(A).balance = 90n;
    const snap = ws.snapshot([A, B]);
    ws.get(A).balance = 0n;
    ws.get(B).balance = 90n;
    ws.restore(snap);
    expect(ws.get(A)).toEqual({ balance: 90n, nonce: 1n });
    expect(ws.changes().has(addressKey(B))).toBe(false);
    expect(ws.previous().has(addressKey(B))).toBe(false);
    expect(ws.previous().get(addressKey(A))).toEqual({ balance: 100n, nonce: 1n });
  });
});
