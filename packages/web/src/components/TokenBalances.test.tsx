import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen, within } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';
import type { TokenBalance } from '../lib/token-balances';
import { TokenBalancesView } from './TokenBalances';

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
