import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { useEffect, type ReactNode } from 'react';
import { NETWORKS, Wallet, minContractGasPrice } from '@hackcoin/core';
import { RealtimeClient } from '../../lib/realtime';
import type { GasEstimate } from '../../lib/types';
import { NodeInfoProvider, useNodeInfo } from '../../state/node-info';
import { RealtimeProvider } from '../../state/realtime';
import { ToastProvider } from '../../state/toast';
import { useWallet, WalletProvider } from '../../state/wallet';
import { nodeInfo } from '../../test/api-fixtures';
import { nodeSocket, startFakeHub } from '../../test/ws-server';
import { DeployPanel } from './DeployPanel';

const MNEMONIC = 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';
const SOURCE = 'export function init() {}\nexport function ping() { return 1; }';
const FEES = { unit: 'base', slow: '1', normal: '2', fast: '3', minFeeRate: '1', gasPrice: { slow: '3', normal: '5', fast: '9' }, basis: { blocks: 0, samples: 0, contractSamples: 0, mempoolTxs: 0, mempoolBytes: 0 } };
const ESTIMATE: GasEstimate = { status: 'success', gasUsed: 330_000, intrinsicGas: 30_000, executionGas: 300_000, suggestedGasLimit: 398_283, fee: '1991415', contractAddress: '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed', balance: '0' };

/** The node's network once the panel's node info has loaded (an estimate waits for it). */
function NodeProbe() {
  return <p data-testid="node-network">{useNodeInfo().data?.network}</p>;
}

function Unlocked({ wallet, children }: { wallet: Wallet; children: ReactNode }) {
  const { wallet: open, setUnlocked } = useWallet();
  useEffect(() => setUnlocked(wallet), [wallet, setUnlocked]);
  return open ? children : null;
}

const limit = () => screen.getByLabelText<HTMLInputElement>('Gas limit');
const price = () => screen.getByLabelText<HTMLInputElement>('Gas price (units/gas)');

describe('DeployPanel: the gas estimate and the gas fields', () => {
  let hub: Awaited<ReturnType<typeof startFakeHub>>;
  // The node's answers to the estimates asked so far, given when a case says.
  let estimates: ((e: GasEstimate) => void)[];
  /** The source in the editor changes (the panel's `source` prop). */
  let editSource: (source: string) => void;

  beforeEach(async () => {
    hub = await startFakeHub();
    estimates = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string) => {
        if (url === '/api/contracts/estimate-gas') return new Response(JSON.stringify(await new Promise<GasEstimate>((r) => estimates.push(r))), { status: 200 });
        return new Response(JSON.stringify(url === '/api/fees/estimate' ? FEES : nodeInfo()), { status: 200 });
      }),
    );
    const wallet = await Wallet.fromMnemonic(MNEMONIC);
    wallet.newAddress();
    const client = new RealtimeClient(hub.url, { factory: nodeSocket, minDelayMs: 20, maxDelayMs: 50 });
    const tree = (source: string) => (
      <RealtimeProvider client={client}>
        <NodeInfoProvider>
          <NodeProbe />
          <ToastProvider>
            <WalletProvider>
              <Unlocked wallet={wallet}>
                <DeployPanel source={source} initArgs="" onDeployed={() => undefined} onLog={() => undefined} />
              </Unlocked>
            </WalletProvider>
          </ToastProvider>
        </NodeInfoProvider>
      </RealtimeProvider>
    );
    const view = render(tree(SOURCE));
    editSource = (source) => view.rerender(tree(source));
    await waitFor(() => expect(screen.getByTestId('node-network').textContent).toBe('regtest'));
    await waitFor(() => expect(screen.getByRole('button', { name: 'Estimate gas' }).hasAttribute('disabled')).toBe(false));
  });

  afterEach(async () => {
    cleanup();
    vi.unstubAllGlobals();
    await hub.close();
  });

  /** Clicks Estimate gas and waits until the node has been asked (the answer is the case's to give). */
  const askEstimate = async () => {
    const asked = estimates.length;
    fireEvent.click(screen.getByRole('button', { name: 'Estimate gas' }));
    await waitFor(() => expect(estimates.length).toBe(asked + 1));
  };
  const answer = (e: GasEstimate) => act(async () => estimates.at(-1)!(e));

  it('fills the blank gas limit and price from the estimate when the user left them alone', async () => {
    await askEstimate();
    await answer(ESTIMATE);
    await waitFor(() => expect(screen.getByTestId('deploy-estimate').textContent).toMatch(/^Estimate · gas 330,000/));
    expect([limit().value, price().value]).toEqual(['398283', '5']);
  });

  it("fills a price of at least the node's relay minimum at the gas limit it fills (declared gas counts as block space)", async () => {
    const floor = minContractGasPrice({ params: NETWORKS.regtest, action: { type: 'deploy', code: SOURCE, init: [] }, gasLimit: 50_000_000 }, 1n);
    expect(floor).toBeGreaterThan(5n);
    await askEstimate();
    await answer({ ...ESTIMATE, suggestedGasLimit: 50_000_000 });
    await waitFor(() => expect(limit().value).toBe('50000000'));
    expect(price().value).toBe(String(floor));
  });

  it('says under the fields when a typed price is below the minimum at the typed gas limit, and what it is', async () => {
    const floor = minContractGasPrice({ params: NETWORKS.regtest, action: { type: 'deploy', code: SOURCE, init: [] }, gasLimit: 50_000_000 }, 1n);
    fireEvent.change(limit(), { target: { value: '50000000' } });
    fireEvent.change(price(), { target: { value: String(floor - 1n) } });
    await waitFor(() => expect(screen.getByTestId('deploy-gas-note').textContent).toBe(`Gas price below ${floor}, the least the node relays this at a gas limit of 50,000,000 (declared gas counts as block space): raise the price or lower the gas limit.`));
    fireEvent.change(price(), { target: { value: String(floor) } });
    expect(screen.getByTestId('deploy-gas-note').textContent).toContain(`At this gas limit the node asks at least ${floor} per gas`);
    // A tight limit asks only the lowest price: nothing to say.
    fireEvent.change(limit(), { target: { value: '400000' } });
    expect(screen.getByTestId('deploy-gas-note').textContent).not.toContain('asks at least');
  });

  it('keeps a gas limit typed while the estimate was on its way (not 3982831500000) and shows the estimate beside it', async () => {
    await askEstimate();
    fireEvent.change(limit(), { target: { value: '1500000' } });
    await answer(ESTIMATE);
    await waitFor(() => expect(screen.getByTestId('deploy-estimate').textContent).toContain('suggested limit 398,283'));
    expect([limit().value, price().value]).toEqual(['1500000', '5']);
  });

  it('does not fill the gas limit the user is in when the estimate arrives', async () => {
    await askEstimate();
    act(() => limit().focus());
    await answer(ESTIMATE);
    await waitFor(() => expect(screen.queryByTestId('deploy-estimate')).not.toBeNull());
    expect([limit().value, price().value]).toEqual(['', '5']);
  });

  it('hides an estimate once the code or the value it answered for changes, and shows it again if they come back', async () => {
    await askEstimate();
    await answer(ESTIMATE);
    await waitFor(() => expect(screen.queryByTestId('deploy-estimate')).not.toBeNull());
    editSource(`${SOURCE}\nexport function pong() { return 2; }`);
    expect(screen.queryByTestId('deploy-estimate')).toBeNull();
    editSource(SOURCE);
    expect(screen.queryByTestId('deploy-estimate')).not.toBeNull();
    fireEvent.change(screen.getByLabelText<HTMLInputElement>(/^Value/), { target: { value: '5' } });
    expect(screen.queryByTestId('deploy-estimate')).toBeNull();
  });

  it('hides the previous estimate while a new one is asked for, so it is never read as the answer to the new request', async () => {
    await askEstimate();
    await answer(ESTIMATE);
    await waitFor(() => expect(screen.queryByTestId('deploy-estimate')).not.toBeNull());
    fireEvent.change(limit(), { target: { value: '' } });
    await askEstimate();
    expect(screen.queryByTestId('deploy-estimate')).toBeNull();
    await answer({ ...ESTIMATE, suggestedGasLimit: 500_000 });
    await waitFor(() => expect(limit().value).toBe('500000'));
  });
});
