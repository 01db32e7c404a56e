import { afterEach, describe, expect, it } from 'vitest';
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import { GasFields } from './GasFields';
import { useGasForm } from './useGasForm';

/** Answers handed out in the order they were asked for, resolved when the test says. */
function answers() {
  const pending: ((limit: string) => void)[] = [];
  return {
    next: () => new Promise<string>((r) => pending.push(r)),
    answer: (i: number, limit: string) => act(async () => pending[i]!(limit)),
    count: () => pending.length,
  };
}

/** The panels' use of the hook: ask, await the node, show the newest answer, fill what the rule allows. */
function Harness({ next }: { next: () => Promise<string> }) {
  const { ask, isLatest, fill, fieldProps } = useGasForm('t');
  const [shown, setShown] = useState('');
  const estimate = async () => {
    const ticket = ask();
    const limit = await next();
    if (isLatest(ticket)) setShown(limit);
    fill(ticket, { gasLimit: limit, gasPrice: '7' });
  };
  return (
    <>
      <GasFields {...fieldProps} />
      <button type="button" onClick={() => void estimate()}>
        Estimate
      </button>
      <p data-testid="shown">{shown}</p>
    </>
  );
}

const limit = () => (screen.getByLabelText('Gas limit') as HTMLInputElement).value;
const price = () => (screen.getByLabelText('Gas price (units/gas)') as HTMLInputElement).value;

describe('useGasForm: an estimate fills the gas fields only where the user has not spoken since asking', () => {
  afterEach(cleanup);

  it('fills both blank fields when nothing was touched, and replaces a limit typed before the request', async () => {
    const a = answers();
    render(<Harness next={a.next} />);
    fireEvent.change(screen.getByLabelText('Gas limit'), { target: { value: '5' } });
    fireEvent.click(screen.getByText('Estimate'));
    await a.answer(0, '398283');
    expect([limit(), price()]).toEqual(['398283', '7']);
  });

  it('keeps a gas limit typed while the estimate was on its way (no 3982831500000), and still fills the untouched price', async () => {
    const a = answers();
    render(<Harness next={a.next} />);
    fireEvent.click(screen.getByText('Estimate'));
    fireEvent.change(screen.getByLabelText('Gas limit'), { target: { value: '1500000' } });
    await a.answer(0, '398283');
    expect([limit(), price()]).toEqual(['1500000', '7']);
    expect(screen.getByTestId('shown').textContent).toBe('398283');
  });

  it('counts clearing the field as an edit: a limit typed and erased stays blank', async () => {
    const a = answers();
    render(<Harness next={a.next} />);
    fireEvent.click(screen.getByText('Estimate'));
    fireEvent.change(screen.getByLabelText('Gas limit'), { target: { value: '9' } });
    fireEvent.change(screen.getByLabelText('Gas limit'), { target: { value: '' } });
    await a.answer(0, '398283');
    expect(limit()).toBe('');
  });

  it('leaves the field the user is in alone (they are about to type), and fills it once they left and ask again', async () => {
    const a = answers();
    render(<Harness next={a.next} />);
    fireEvent.click(screen.getByText('Estimate'));
    act(() => (screen.getByLabelText('Gas limit') as HTMLInputElement).focus());
    await a.answer(0, '398283');
    expect([limit(), price()]).toEqual(['', '7']);
    act(() => (screen.getByLabelText('Gas limit') as HTMLInputElement).blur());
    fireEvent.click(screen.getByText('Estimate'));
    await a.answer(1, '400000');
    expect(limit()).toBe('400000');
  });

  it('never lets the answer to an older request land, in the field or the shown estimate, whatever order the answers come in', async () => {
    const a = answers();
    render(<Harness next={a.next} />);
    fireEvent.click(screen.getByText('Estimate'));
    fireEvent.click(screen.getByText('Estimate'));
    expect(a.count()).toBe(2);
    await a.answer(1, '200000');
    await a.answer(0, '100000');
    expect(limit()).toBe('200000');
    expect(screen.getByTestId('shown').textContent).toBe('200000');
  });
});
