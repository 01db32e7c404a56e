import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, render, screen } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';
import { CONTRACT_EXAMPLES } from '@hackcoin/core';
import type { ContractDetail } from '../../lib/types';
import { StoragePanel } from './StoragePanel';

// Proving a slot needs the node and the header chain; this test is about what the table shows.
vi.mock('./useStorageVerify', () => ({ useStorageVerify: () => ({ key: '', setKey: () => undefined, check: { kind: 'idle' }, verify: () => undefined }) }));

const VICTIM = '0xABaBabABABabABABABABabABABABABABabABabAB';
const TX = 'ab'.repeat(32);

/** The audit's look-alike: a payment of 5 to the victim, then one of 900,000 to the victim's address followed by U+200B. */
const contract: ContractDetail = {
  address: '0x1111111111111111111111111111111111111111',
  deployer: '0x2222222222222222222222222222222222222222',
  height: 3,
  txId: TX,
  balance: '0',
  code: CONTRACT_EXAMPLES.token,
  storageCount: 3,
  storage: { [`balance:${VICTIM}`]: 5, [`balance:${VICTIM}\u200b`]: 900_000, 'note:\u202eevil': 'x\u2060y' },
  events: [
    { name: 'Transfer', data: { from: VICTIM, to: `${VICTIM}\u200b`, amount: 900_000 }, txId: TX, height: 3 },
    { name: 'Trans\u200dfer', data: {}, txId: TX, height: 3 },
  ],
};

describe('the contract state panel', () => {
  afterEach(() => cleanup());

  it('writes out invisible and bidi characters in storage keys, values and events, so a look-alike row does not pass for the real one', () => {
    render(
      <MemoryRouter>
        <StoragePanel contract={contract} unit="HCK" />
      </MemoryRouter>,
    );
    const keys = [...screen.getByTestId('storage-table').querySelectorAll('th')].map((th) => th.textContent);
    expect(keys).toEqual([`balance:${VICTIM}`, `balance:${VICTIM}⟨U+200B⟩`, 'note:⟨U+202E⟩evil']);
    expect(screen.getByTestId('storage-table').textContent).toContain('"x⟨U+2060⟩y"');
    expect(screen.getByRole('button', { name: `Verify balance:${VICTIM}⟨U+200B⟩` })).toBeTruthy();
    const events = screen.getByTestId('contract-events').textContent!;
    expect(events).toContain(`"to":"${VICTIM}⟨U+200B⟩"`);
    expect(events).toContain('Trans⟨U+200D⟩fer');
    expect(screen.getByTestId('contract-events').textContent).not.toMatch(/[\u200b\u200d\u202e\u2060]/);
  });
});
