import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { MemoryRouter, Route, Routes } from 'react-router-dom';
import { bytesToHex, encodeHeader, headerId, type BlockHeader } from '@hackcoin/core';
import { RealtimeClient } from '../../lib/realtime';
import type { BlockDetail, HeadersJson, TxJson } from '../../lib/types';
import { RealtimeProvider } from '../../state/realtime';
import { ToastProvider } from '../../state/toast';
import { blockSummary } from '../../test/api-fixtures';
import { nodeSocket, startFakeHub } from '../../test/ws-server';
import BlockPage from './BlockPage';

const MINER = '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed';
const header = (n: number): BlockHeader => ({ version: 1, prevHash: new Uint8Array(32).fill(n), merkleRoot: new Uint8Array(32), time: 1_700_000_000 + n, bits: 0x207fffff, nonce: n });
const HASH = headerId(header(5));
const NEXT = headerId(header(6));

const txs: TxJson[] = Array.from({ length: 250 }, (_, i) => ({
  id: (i + 1).toString(16).padStart(64, '0'),
  type: 'transfer',
  size: 150,
  chainId: 3,
  to: MINER,
  amount: '1',
  from: MINER,
  nonce: String(i),
  fee: '150',
}));

const block: BlockDetail = {
  ...blockSummary(5),
  hash: HASH,
  previousHash: headerId(header(4)),
  confirmations: 1,
  txCount: txs.length,
  nextHash: null,
  stats: { size: 40_000, miner: MINER, reward: '5000000000', subsidy: '5000000000', fees: '0', gasUsed: 0, feeRate: null },
  transactions: txs,
};

const headers = (tip: number): HeadersJson => ({
  from: 5,
  count: tip - 4,
  tipHeight: tip,
  tipHash: headerId(header(tip)),
  chainWork: '2',
  headers: Array.from({ length: tip - 4 }, (_, i) => bytesToHex(encodeHeader(header(5 + i)))),
});

const shownTxIds = () => [...screen.getByTestId('block-txs').querySelectorAll('tbody tr')].map((r) => r.getAttribute('data-txid'));

describe('the block page', () => {
  let hub: Awaited<ReturnType<typeof startFakeHub>>;
  let tip: number;
  let requests: string[];

  beforeEach(async () => {
    hub = await startFakeHub();
    tip = 5;
    requests = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string) => {
        requests.push(url);
        if (url === `/api/blocks/${HASH}`) return Response.json(block);
        if (url === '/api/headers?from=5&count=2') return Response.json(headers(tip));
        return Response.json({ error: 'not-found', message: 'not here' }, { status: 404 });
      }),
    );
    render(
      <MemoryRouter initialEntries={[`/explorer/block/${HASH}`]}>
        <RealtimeProvider client={new RealtimeClient(hub.url, { factory: nodeSocket, minDelayMs: 20, maxDelayMs: 50 })}>
          <ToastProvider>
            <Routes>
              <Route path="/explorer/block/:id" element={<BlockPage />} />
            </Routes>
          </ToastProvider>
        </RealtimeProvider>
      </MemoryRouter>,
    );
    await screen.findByTestId('block-txs');
  });

  afterEach(async () => {
    cleanup();
    vi.unstubAllGlobals();
    await hub.close();
  });

  it("pages a block's transactions a hundred at a time", async () => {
    expect(screen.getByText('Transactions (250)')).toBeTruthy();
    expect(shownTxIds()).toEqual(txs.slice(0, 100).map((t) => t.id));
    const next = screen.getByRole('button', { name: 'Next →' });
    fireEvent.click(next);
    expect(shownTxIds()).toEqual(txs.slice(100, 200).map((t) => t.id));
    fireEvent.click(next);
    expect(shownTxIds()).toEqual(txs.slice(200).map((t) => t.id));
    expect((next as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: '← Previous' }));
    expect(shownTxIds()).toEqual(txs.slice(100, 200).map((t) => t.id));
  });

  it('takes confirmations and the next block from the headers on a new block, not the whole block again', async () => {
    await waitFor(() => expect(screen.getByTestId('block-confirmations').textContent).toBe('1'));
    expect(screen.getByText('chain tip')).toBeTruthy();
    await waitFor(() => expect(hub.subscriptions().flat()).toContain('blocks'));
    tip = 6;
    act(() => hub.publish('blocks', { type: 'block', block: { ...blockSummary(6), hash: NEXT, previousHash: HASH } }));
    await waitFor(() => expect(screen.getByTestId('block-confirmations').textContent).toBe('2'));
    expect(screen.getByRole('link', { name: '#6 →' }).getAttribute('href')).toBe(`/explorer/block/${NEXT}`);
    expect(requests.filter((u) => u.startsWith('/api/blocks/'))).toEqual([`/api/blocks/${HASH}`]);
  });
});
