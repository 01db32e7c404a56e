import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { MemoryRouter, Route, Routes, useLocation } from 'react-router-dom';
import { SearchBox } from './SearchBox';
import { ToastProvider } from '../state/toast';
import { Amount } from './Amount';

function Where() {
  return <div data-testid="where">{useLocation().pathname}</div>;
}

function renderBox() {
  return render(
    <ToastProvider>
      <MemoryRouter initialEntries={['/explorer']}>
        <SearchBox />
        <Routes>
          <Route path="*" element={<Where />} />
        </Routes>
      </MemoryRouter>
    </ToastProvider>,
  );
}

const TX = 'ef'.repeat(32);

describe('SearchBox', () => {
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
  });

  it('is labelled, hints the kind, and resolves a tx id through the node (one search lookup, no 404)', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string) => new Response(JSON.stringify(url === `/api/search/${TX}` ? { id: TX, type: 'tx' } : { error: 'not-found', message: 'no route' }), { status: url === `/api/search/${TX}` ? 200 : 404 })),
    );
    renderBox();
    const input = screen.getByLabelText(/Search by block height/);
    fireEvent.change(input, { target: { value: TX } });
    expect(screen.getByText('Block hash or transaction id')).toBeTruthy();
    await act(async () => {
      fireEvent.submit(input.closest('form')!);
    });
    await vi.waitFor(() => expect(screen.getByTestId('where').textContent).toBe(`/explorer/tx/${TX}`));
  });

  it('shows a toast for input that is no id', async () => {
    renderBox();
    const input = screen.getByLabelText(/Search by block height/);
    fireEvent.change(input, { target: { value: 'hello' } });
    await act(async () => {
      fireEvent.submit(input.closest('form')!);
    });
    expect((await screen.findByRole('alert')).textContent).toMatch(/Enter a block height/);
    expect(screen.getByTestId('where').textContent).toBe('/explorer');
  });
});

describe('Amount', () => {
  afterEach(cleanup);
  it('shows base units as grouped HCK', () => {
    render(<Amount units="123456789000" />);
    expect(document.body.textContent).toBe('1,234.56789 HCK');
  });
});
