import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';
import { FunctionForm } from './FunctionForm';
import { IdeConsole } from './IdeConsole';

describe('the IDE’s results', () => {
  afterEach(() => cleanup());

  it('writes out hidden characters in a function’s parameters and in what a call returned', async () => {
    // Parameter lists are read from the contract's code as written; results carry its return values and revert reasons.
    const fn = { name: 'balanceOf', params: ['own\u200ber'] };
    render(<FunctionForm fn={fn} readOnly canSend={false} canEstimate={false} onRun={async () => ({ ok: false, text: 'balanceOf("0xAB") reverted: bad\u202e address' })} />);
    expect(screen.getByTestId('fn-balanceOf').querySelector('summary')!.textContent).toContain('balanceOf(own⟨U+200B⟩er)');
    fireEvent.click(screen.getByRole('button', { name: 'Call' }));
    await waitFor(() => expect(screen.getByTestId('call-result').textContent).toBe('balanceOf("0xAB") reverted: bad⟨U+202E⟩ address'));
  });

  it('writes out hidden characters in console lines', () => {
    render(
      <MemoryRouter>
        <IdeConsole log={[{ seq: 1, at: 0, kind: 'call', ok: true, target: 'Token 0x11', text: 'symbol() → "HC\u200bK"' }]} onClear={() => undefined} />
      </MemoryRouter>,
    );
    expect(screen.getByTestId('ide-console').textContent).toContain('symbol() → "HC⟨U+200B⟩K"');
  });
});
