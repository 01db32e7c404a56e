import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { useState } from 'react';
import { COIN, NETWORKS, genesisBlock, headerId, type VerifiedAccount } from '@hackcoin/core';
import { RealtimeClient } from '../../lib/realtime';
import { pinnedNetwork } from '../../lib/network-pin';
import { RealtimeProvider, useTopics } from '../../state/realtime';
import { NodeInfoProvider } from '../../state/node-info';
import { nodeSocket, startFakeHub } from '../../test/ws-server';
import { blockSummary, nodeInfo } from '../../test/api-fixtures';
import type { AddressInfoJson } from '../../lib/types';
import { BalanceCard, BalanceView } from './BalanceCard';
import { useVerifiedSpendable } from './useVerifiedSpendable';
import type { VerifiedCheck } from './useVerifiedAccount';

const ADDRESS = '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed';

const addressInfo = (balance: bigint, height = 3): AddressInfoJson => ({
  address: ADDRESS,
  balance: balance.toString(),
  pendingBalance: '0',
  nonce: '0',
  nextNonce: '0',
  height,
  pending: [],
  page: 1,
  limit: 1,
  history: [],
});

const proven = (balance: bigint, height = 3): VerifiedCheck => ({ kind: 'ok', network: 'regtest', v: { balance, nonce: 0n, height, blockId: 'aa'.repeat(32) } satisfies VerifiedAccount });

function view(check: VerifiedCheck, reported: bigint, distrust: Parameters<typeof BalanceView>[0]['distrust'] = null, onTrust = () => {}, readAt = 3) {
  render(<BalanceView check={check} onTrustNodeNetwork={onTrust} info={{ data: addressInfo(reported, readAt), error: undefined }} distrust={distrust} />);
}

describe('the balance card', () => {
  afterEach(() => cleanup());

  it('heads with the proven balance and labels the node’s figures as unverified', () => {
    view(proven(150n * COIN), 150n * COIN);
    expect(screen.getByTestId('balance-verified').textContent).toBe('150 HCK');
    expect(screen.getByTestId('verified-mark').textContent).toBe('verified at height 3');
    expect(screen.getByTestId('balance-confirmed').textContent).toBe('150 HCK');
    expect(screen.getByTestId('balance-confirmed').parentElement!.textContent).toContain('reported by node (unverified)');
    expect(screen.getByTestId('balance-available').parentElement!.textContent).toContain('reported by node (unverified)');
  });

  it('warns, and never shows the node’s figure as the balance, when it differs from the proven one', () => {
    view(proven(150n * COIN), 1_000_150n * COIN);
    const warning = screen.getByTestId('balance-mismatch');
    expect(warning.getAttribute('role')).toBe('alert');
    expect(warning.textContent).toContain('The node reports 1,000,150 HCK confirmed at height 3; the balance this browser proved at height 3 is 150 HCK');
    expect(screen.getByTestId('balance-verified').textContent).toBe('150 HCK');
    expect(screen.queryByTestId('balance-confirmed')).toBeNull();
    expect(screen.queryByTestId('balance-available')).toBeNull();
  });

  it('does not call an honest node a liar while its answer is a block behind the proof (the proof runs on the push at once)', () => {
    view(proven(200n * COIN, 4), 150n * COIN, null, () => {}, 3);
    const note = screen.getByTestId('balance-mismatch');
    expect(note.getAttribute('role')).toBe('note');
    expect(note.textContent).toContain('The node reports 150 HCK confirmed at height 3; the balance this browser proved at height 4 is 200 HCK');
    expect(note.textContent).toContain('from an earlier block');
    expect(note.textContent).not.toContain('contradicts');
    expect(screen.queryByTestId('balance-confirmed')).toBeNull();
  });

  it('hides the node’s figures once it is caught lying', () => {
    view({ kind: 'untrustworthy', message: 'node reports balance 1 and nonce 0 at height 3, its proof says 15000000000 and 0' }, 1_000_150n * COIN, { kind: 'lied', message: 'x' });
    expect(screen.getByTestId('verified-error').textContent).toContain('This node is untrustworthy');
    expect(screen.queryByTestId('balance-confirmed')).toBeNull();
    expect(screen.queryByTestId('balance-verified')).toBeNull();
    expect(screen.getByTestId('reported-hidden').textContent).toContain('hidden');
  });
});

const realInfo = () => nodeInfo({ network: 'regtest', chainId: NETWORKS.regtest.chainId, genesis: headerId(genesisBlock(NETWORKS.regtest).header), height: 3 });

function Probe() {
  const [n, setN] = useState(0);
  useTopics(['blocks'], () => setN((x) => x + 1));
  useVerifiedSpendable(ADDRESS);
  return <span data-testid="blocks-seen">{n}</span>;
}

describe('the balance card against a node (real WebSocket, scripted HTTP)', () => {
  let hub: Awaited<ReturnType<typeof startFakeHub>>;
  let headerRequests = 0;
  let release!: () => void;
  beforeEach(async () => {
    localStorage.clear();
    hub = await startFakeHub();
    headerRequests = 0;
    const gate = new Promise<void>((r) => (release = r));
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string) => {
        if (url.includes('/api/headers')) {
          headerRequests++;
          await gate;
          return new Response(JSON.stringify({ error: 'busy', message: 'busy' }), { status: 500 });
        }
        if (url.startsWith('/api/address/')) return new Response(JSON.stringify(addressInfo(150n * COIN)), { status: 200 });
        return new Response(JSON.stringify(realInfo()), { status: 200 });
      }),
    );
  });
  afterEach(async () => {
    cleanup();
    vi.unstubAllGlobals();
    await hub.close();
  });

  const mount = () => {
    const client = new RealtimeClient(hub.url, { factory: nodeSocket, minDelayMs: 20, maxDelayMs: 50 });
    render(
      <RealtimeProvider client={client}>
        <NodeInfoProvider>
          <BalanceCard address={ADDRESS} />
          <Probe />
        </NodeInfoProvider>
      </RealtimeProvider>,
    );
  };

  it('verifies at most twice for a burst of 40 blocks, however many cards ask', async () => {
    mount();
    await waitFor(() => expect(headerRequests).toBe(1));
    await waitFor(() => expect(hub.subscriptions()[0]).toContain('blocks'));
    act(() => {
      for (let h = 4; h < 44; h++) hub.publish('blocks', { type: 'block', block: blockSummary(h) });
    });
    await waitFor(() => expect(screen.getByTestId('blocks-seen').textContent).toBe('40'));
    release();
    await waitFor(() => expect(screen.getByTestId('verified-unavailable').textContent).toContain('/api/headers answered 500'));
    await new Promise((r) => setTimeout(r, 200));
    expect(headerRequests).toBe(2);
    expect(pinnedNetwork()).toBe('regtest');
  });

  it('refuses to verify a node that now claims another network, until the user resets the pin', async () => {
    release();
    localStorage.setItem('hackcoin:wallet-network', 'main');
    mount();
    await waitFor(() => expect(screen.getByTestId('network-changed').textContent).toContain('This node now claims network regtest; this wallet was set up for main.'));
    expect(headerRequests).toBe(0);
    expect(screen.queryByTestId('balance-confirmed')).toBeNull();
    expect(screen.getByTestId('reported-hidden')).toBeTruthy();
    fireEvent.click(screen.getByTestId('network-reset'));
    await waitFor(() => expect(headerRequests).toBeGreaterThan(0));
    expect(pinnedNetwork()).toBe('regtest');
    await waitFor(() => expect(screen.getByTestId('balance-confirmed').textContent).toBe('150 HCK'));
  });
});
