import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';
import { RealtimeClient } from '../../lib/realtime';
import { RealtimeProvider } from '../../state/realtime';
import { NodeInfoProvider } from '../../state/node-info';
import { nodeSocket, startFakeHub } from '../../test/ws-server';
import { PoolCard } from './PoolCard';
import type { PoolStats } from '../../lib/types';
import { nodeInfo } from '../../test/api-fixtures';

const ADDRESS = '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed';

const stats: PoolStats = {
  port: 3333,
  connections: 1,
  poolAddress: ADDRESS,
  hashrate: 1_000_000,
  blockDifficulty: 1,
  sharesAccepted: 90,
  sharesRejected: 10,
  shares: { accepted: 90, stale: 6, duplicate: 1, lowDifficulty: 2, invalid: 1 },
  pplnsShares: 90,
  disconnects: { 'peer-closed': 3, 'pool-stopping': 0, idle: 0, 'not-authorised': 1, 'line-too-long': 0, garbage: 0, 'not-reading': 0, 'rejected-shares': 2, 'request-flood': 0, evicted: 0 },
  refusedConnections: 0,
  workerCount: 250,
  workers: [
    { worker: 'rig1', address: ADDRESS, accepted: 90, stale: 6, duplicate: 1, lowDifficulty: 2, invalid: 1, rejected: 10, difficulty: 0.00012345, hashrate: 1_000_000, lastShare: null },
  ],
  blocksFoundCount: 700,
  blocksFound: [
    { height: 12, hash: 'ab'.repeat(32), reward: '5000000000', worker: `${ADDRESS}.rig1`, time: '2024-01-01T00:00:00.000Z', split: { [ADDRESS]: '5000000000' }, payees: 1 },
  ],
  payoutCount: 9_000,
  payouts: [{ blockHeight: 12, blockHash: 'ab'.repeat(32), address: ADDRESS, amount: '4999999850', fee: '150', txid: 'cd'.repeat(32), status: 'sent' }],
  balances: { addresses: 3, owed: '1200', due: 0, threshold: '100000000' },
};

describe('PoolCard', () => {
  let hub: Awaited<ReturnType<typeof startFakeHub>>;
  beforeEach(async () => {
    hub = await startFakeHub();
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string) => new Response(JSON.stringify(url === '/api/pool/stats' ? stats : nodeInfo({ pool: true })), { status: 200 })),
    );
  });
  afterEach(async () => {
    cleanup();
    vi.unstubAllGlobals();
    await hub.close();
  });

  it('shows each worker’s shares by outcome (accepted, stale, duplicate, low difficulty, invalid) and its share difficulty', async () => {
    const client = new RealtimeClient(hub.url, { factory: nodeSocket, minDelayMs: 20, maxDelayMs: 50 });
    render(
      <RealtimeProvider client={client}>
        <NodeInfoProvider>
          <MemoryRouter>
            <PoolCard />
          </MemoryRouter>
        </NodeInfoProvider>
      </RealtimeProvider>,
    );
    const row = await waitFor(() => screen.getByTestId('pool-worker-rig1'));
    const cells = within(row)
      .getAllByRole('cell')
      .map((c) => c.textContent);
    expect(cells[0]).toBe('rig1');
    expect(cells.slice(2, 8)).toEqual(['90', '6', '1', '2', '1', '0.000123']);
    const head = within(screen.getByTestId('pool-workers')).getAllByRole('columnheader').map((h) => h.textContent);
    expect(head.slice(2, 8)).toEqual(['Accepted', 'Stale', 'Duplicate', 'Low difficulty', 'Invalid', 'Share difficulty']);
    // The node lists only its busiest workers; the count is of all of them.
    expect(screen.getByText('Workers').textContent).toBe('Workers (250)');
    expect(screen.getByTestId('pool-workers-shown').textContent).toBe('The 1 with the most accepted work.');
    // So do found blocks and payouts: the summary lists the newest of each.
    expect(screen.getByTestId('pool-blocks').textContent).toContain('700');
    expect(screen.getByText('Blocks found', { selector: 'h3' }).textContent).toBe('Blocks found (700)');
    expect(screen.getByText('Payouts', { selector: 'h3' }).textContent).toBe('Payouts (9000)');
    expect(within(screen.getByTestId('pool-payouts')).getAllByRole('row').length).toBe(2);
  });
});
