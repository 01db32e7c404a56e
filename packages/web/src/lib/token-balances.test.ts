import { afterEach, describe, expect, it, vi } from 'vitest';
import { CONTRACT_EXAMPLES } from '@hackcoin/core';
import { formatTokenUnits, tokenBalances } from './token-balances';
import { TOKEN_READ_GAS } from './token-read';

describe('token amounts', () => {
  it("shows token base units with the token's decimals", () => {
    expect(formatTokenUnits(123_456n, 2)).toBe('1,234.56');
    expect(formatTokenUnits(250n, 2)).toBe('2.5');
    expect(formatTokenUnits(1_000_000n, 0)).toBe('1,000,000');
    expect(formatTokenUnits(5n, 18)).toBe('0.000000000000000005');
  });
});

const OWNER = '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed';

interface Call {
  contractAddress: string;
  functionName: string;
  gasLimit?: number;
}

/** A node listing token-shaped contracts; those in `loops` run out of gas on every read. */
function fakeNode(loops: Set<string>) {
  const calls: Call[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit) => {
      const detail = /^\/api\/contracts\/(0x[0-9a-fA-F]{40})\?/.exec(url);
      if (detail) {
        const address = detail[1]!;
        return Response.json({ address, deployer: OWNER, height: 1, txId: 'aa'.repeat(32), balance: '0', code: CONTRACT_EXAMPLES.token, storageCount: 0, storage: {}, events: [] });
      }
      const call = JSON.parse(init.body as string) as Call;
      calls.push(call);
      if (loops.has(call.contractAddress)) return Response.json({ status: 'out-of-gas', gasUsed: call.gasLimit ?? 10_000_000, height: 1 });
      const returnValue = { symbol: 'TOK', decimals: 2, balanceOf: 250 }[call.functionName];
      return Response.json({ status: 'success', gasUsed: 167_000, height: 1, returnValue });
    }),
  );
  return calls;
}

const address = (digit: string) => `0x${digit.repeat(40)}`;

describe('token balances', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('reads every token function on a small gas limit', async () => {
    const calls = fakeNode(new Set());
    const token = address('1');
    expect(await tokenBalances(OWNER, [token])).toEqual([{ contract: token, symbol: 'TOK', decimals: 2, balance: 250n }]);
    expect(calls.map((c) => [c.functionName, c.gasLimit])).toEqual([
      ['symbol', TOKEN_READ_GAS],
      ['decimals', TOKEN_READ_GAS],
      ['balanceOf', TOKEN_READ_GAS],
    ]);
    expect(TOKEN_READ_GAS).toBeLessThanOrEqual(2_000_000);
  });

  it('takes a token-shaped contract whose read runs out of gas for no token, once and for the session', async () => {
    const loop = address('2');
    const token = address('3');
    const calls = fakeNode(new Set([loop]));
    expect((await tokenBalances(OWNER, [loop, token])).map((r) => r.contract)).toEqual([token]);
    expect(calls.filter((c) => c.contractAddress === loop).map((c) => c.functionName)).toEqual(['symbol']);
    calls.length = 0;
    expect((await tokenBalances(OWNER, [loop, token])).map((r) => r.contract)).toEqual([token]);
    expect(calls.map((c) => [c.contractAddress, c.functionName])).toEqual([[token, 'balanceOf']]);
  });
});
