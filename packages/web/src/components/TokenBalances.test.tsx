import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';
import { CONTRACT_EXAMPLES } from '@hackcoin/core';
import { RealtimeClient } from '../lib/realtime';
import type { TokenBalance } from '../lib/token-balances';
import { RealtimeProvider } from '../state/realtime';
import { blockSummary, coinbaseTx } from '../test/api-fixtures';
import { nodeSocket, startFakeHub } from '../test/ws-server';
import { TokenBalances, TokenBalancesView } from './TokenBalances';

const FAKE = '0x1111111111111111111111111111111111111111';
const REAL = '0x2222222222222222222222222222222222222222';
const CYRILLIC = '0x3333333333333333333333333333333333333333';
const ZERO_WIDTH = '0x4444444444444444444444444444444444444444';

const rows: TokenBalance[] = [
  // The shipped token deployed as ('HackCoin', 'HCK', 8, 2^53 - 1) and 5·10^15 units sent to the victim.
  { contract: FAKE, symbol: 'HCK', decimals: 8, balance: 5_000_000_000_000_000n },
  { contract: REAL, symbol: 'HACK', decimals: 2, balance: 250n },
  { contract: CYRILLIC, symbol: 'НСК', decimals: 0, balance: 7n },
  { contract: ZERO_WIDTH, symbol: 'HC\u200bK', decimals: 0, balance: 9n },
];

const row = (contract: string) => screen.getByTestId('token-balances').querySelector<HTMLElement>(`tr[data-contract="${contract}"]`)!;

describe('the Tokens card', () => {
  afterEach(() => cleanup());

  it('marks a token named like the native coin as not HCK, with its contract beside it', () => {
    render(
      <MemoryRouter>
        <TokenBalancesView rows={rows} error="" />
      </MemoryRouter>,
    );
    const fake = row(FAKE);
    expect(within(fake).getByTestId('token-balance').textContent).toBe('50,000,000 HCK token, not the native HCK');
    expect(within(fake).getByTestId('token-not-native')).toBeTruthy();
    expect(within(fake).getByTestId('token-contract').textContent).toBe('0x111111…1111');
    expect(within(row(CYRILLIC)).getByTestId('token-not-native')).toBeTruthy();
    // Invisible characters are written out, and the symbol still reads as HCK once they are dropped.
    expect(within(row(ZERO_WIDTH)).getByTestId('token-balance').textContent).toContain('HC⟨U+200B⟩K');
    expect(within(row(ZERO_WIDTH)).getByTestId('token-not-native')).toBeTruthy();
  });

  it('shows any other symbol as it is, with its contract beside it', () => {
    render(
      <MemoryRouter>
        <TokenBalancesView rows={rows} error="" />
      </MemoryRouter>,
    );
    expect(within(row(REAL)).getByTestId('token-balance').textContent).toBe('2.5 HACK');
    expect(within(row(REAL)).queryByTestId('token-not-native')).toBeNull();
    expect(within(row(REAL)).getByTestId('token-contract').textContent).toBe('0x222222…2222');
  });
});

describe('the Tokens card over time', () => {
  const OWNER = '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed';
  const TOKEN = '0x5555555555555555555555555555555555555555';
  let hub: Awaited<ReturnType<typeof startFakeHub>> | undefined;

  afterEach(async () => {
    cleanup();
    vi.unstubAllGlobals();
    await hub?.close();
  });

  it('reads balances again when the address has a transaction confirmed, not on every block', async () => {
    hub = await startFakeHub();
    let lists = 0;
    const reads: string[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string, init: RequestInit) => {
        const contract = { address: TOKEN, deployer: OWNER, height: 1, txId: 'aa'.repeat(32), balance: '0' };
        if (url.startsWith('/api/contracts?')) {
          lists++;
          return Response.json({ page: 1, limit: 20, total: 1, contracts: [{ ...contract, storageEntries: 2 }] });
        }
        if (url.startsWith(`/api/contracts/${TOKEN}?`)) return Response.json({ ...contract, code: CONTRACT_EXAMPLES.token, storageCount: 2, storage: {}, events: [] });
        const { functionName } = JSON.parse(init.body as string) as { functionName: string };
        reads.push(functionName);
        return Response.json({ status: 'success', gasUsed: 167_000, height: 1, returnValue: { symbol: 'TOK', decimals: 0, balanceOf: 7 }[functionName] });
      }),
    );
    const client = new RealtimeClient(hub.url, { factory: nodeSocket, minDelayMs: 20, maxDelayMs: 50 });
    render(
      <MemoryRouter>
        <RealtimeProvider client={client}>
          <TokenBalances address={OWNER} />
        </RealtimeProvider>
      </MemoryRouter>,
    );
    await waitFor(() => expect(screen.getByTestId('token-balance').textContent).toBe('7 TOK'));
    expect(reads).toEqual(['symbol', 'decimals', 'balanceOf']);
    await waitFor(() => expect(hub!.subscriptions().flat()).toContain('blocks'));

    // Each block refetches the list (after useApi's throttle): once the second block's list is in, a read the
    // first block's unchanged list started would have been made long since.
    for (const height of [2, 3]) {
      hub.publish('blocks', { type: 'block', block: blockSummary(height) });
      await waitFor(() => expect(lists).toBe(height));
    }
    expect(reads).toEqual(['symbol', 'decimals', 'balanceOf']);

    await waitFor(() => expect(hub!.subscriptions().flat()).toContain(`address:${OWNER.toLowerCase()}`));
    hub.publish(`address:${OWNER}`, { type: 'address', event: 'confirmed', tx: coinbaseTx(OWNER), blockHeight: 3, blockHash: '66'.repeat(32) });
    await waitFor(() => expect(reads).toEqual(['symbol', 'decimals', 'balanceOf', 'balanceOf']));
  });
});
