import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { CopyButton } from './CopyButton';

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

describe('CopyButton', () => {
  it('names an address in its label, but never a secret, and clears a copied secret after 30 s if still there', async () => {
    const phrase = 'abandon '.repeat(11) + 'about';
    let clipboard = '';
    Object.defineProperty(navigator, 'clipboard', {
      configurable: true,
      value: { writeText: async (t: string) => void (clipboard = t), readText: async () => clipboard },
    });
    vi.useFakeTimers();
    render(
      <>
        <CopyButton text="0xabc" label="Copy address" />
        <CopyButton text={phrase} label="Copy recovery phrase" secret />
      </>,
    );
    const [address, secret] = screen.getAllByTestId('copy-button');
    expect([address!.getAttribute('aria-label'), secret!.getAttribute('aria-label')]).toEqual(['Copy address: 0xabc', 'Copy recovery phrase']);
    expect(document.body.innerHTML).not.toContain('abandon');
    await act(async () => void fireEvent.click(secret!));
    expect(clipboard).toBe(phrase);
    await act(async () => void (await vi.advanceTimersByTimeAsync(30_000)));
    expect(clipboard).toBe('');
  });
});
