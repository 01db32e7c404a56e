import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';
import type { ContractReceipt } from '../../lib/types';
import { Receipt } from './Receipt';

const receipt: ContractReceipt = {
  status: 'reverted',
  gasUsed: 50_000,
  gasPrice: '1',
  fee: '50000',
  contractAddress: '0x1111111111111111111111111111111111111111',
  revertReason: 'insufficient\u202e balance\u200b',
  returnValue: 'ok\ufeff',
  events: [{ name: 'Tra\u2066nsfer', data: { to: '0xAB\u200b' } }],
};

describe('the explorer’s contract receipt', () => {
  afterEach(() => cleanup());

  it('writes out hidden characters of the revert reason, return value and events', () => {
    const { container } = render(
      <MemoryRouter>
        <Receipt receipt={receipt} />
      </MemoryRouter>,
    );
    const text = container.textContent!;
    expect(text).toContain('reverted: insufficient⟨U+202E⟩ balance⟨U+200B⟩');
    expect(text).toContain('"ok⟨U+FEFF⟩"');
    expect(text).toContain('Tra⟨U+2066⟩nsfer');
    expect(text).toContain('{"to":"0xAB⟨U+200B⟩"}');
    expect(text).not.toMatch(/[\u200b\u202e\u2066\ufeff]/);
    expect(screen.getByText(/reverted:/).className).toContain('text-rose-300');
  });
});
