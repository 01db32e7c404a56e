import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { COIN, NETWORKS, Wallet, genesisBlock, headerId } from '@hackcoin/core';
import { RealtimeClient } from '../../lib/realtime';
import type { AddressInfoJson } from '../../lib/types';
import { NodeInfoProvider } from '../../state/node-info';
import { RealtimeProvider } from '../../state/realtime';
import { ToastProvider } from '../../state/toast';
import { nodeInfo } from '../../test/api-fixtures';
import { nodeSocket, startFakeHub } from '../../test/ws-server';
import { SendForm } from './SendForm';

const MNEMONIC = 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';
const TO = '0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359';
const FEES = { unit: 'base', slow: '1', normal: '2', fast: '3', minFeeRate: '1', gasPrice: { slow: '3', normal: '5', fast: '9' }, basis: { blocks: 0, samples: 0, contractSamples: 0, mempoolTxs: 0, mempoolBytes: 0 } };

describe('the send form', () => {
  let hub: Awaited<ReturnType<typeof startFakeHub>>;

  beforeEach(async () => {
    localStorage.clear();
    hub = await startFakeHub();
  });

  afterEach(async () => {
    cleanup();
    vi.unstubAllGlobals();
    await hub.close();
  });

  it('reviews a recipient typed in lower case in its checksum form', async () => {
    const wallet = await Wallet.fromMnemonic(MNEMONIC);
    const from = wallet.newAddress().address;
    const info: AddressInfoJson = { address: from, balance: (100n * COIN).toString(), pendingBalance: '0', nonce: '0', nextNonce: '0', height: 1, pending: [], page: 1, limit: 1, history: [] };
    const regtest = nodeInfo({ network: 'regtest', chainId: NETWORKS.regtest.chainId, genesis: headerId(genesisBlock(NETWORKS.regtest).header) });
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string) => {
        if (url === '/api/node/info') return Response.json(regtest);
        if (url === '/api/fees/estimate') return Response.json(FEES);
        if (url.startsWith('/api/address/')) return Response.json(info);
        return Response.json({ error: 'not-found', message: 'not here' }, { status: 404 });
      }),
    );
    render(
      <RealtimeProvider client={new RealtimeClient(hub.url, { factory: nodeSocket, minDelayMs: 20, maxDelayMs: 50 })}>
        <NodeInfoProvider>
          <ToastProvider>
            <SendForm wallet={wallet} from={from} />
          </ToastProvider>
        </NodeInfoProvider>
      </RealtimeProvider>,
    );
    fireEvent.change(screen.getByLabelText('Recipient address'), { target: { value: `  ${TO.toLowerCase()} ` } });
    fireEvent.change(screen.getByLabelText('Amount (HCK)'), { target: { value: '1' } });
    await waitFor(() => expect(screen.getByTestId('send-available')).toBeTruthy());
    const review = screen.getByRole('button', { name: 'Review send' });
    await waitFor(() => expect((review as HTMLButtonElement).disabled).toBe(false));
    fireEvent.click(review);
    expect((await screen.findByTestId('review-to')).textContent).toBe(TO);
  });
});
