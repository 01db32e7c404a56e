import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import { useState } from 'react';
import { RealtimeClient } from '../lib/realtime';
import { RealtimeProvider, useRealtime, useTopics } from './realtime';
import { useApi } from '../hooks/useApi';
import { nodeSocket, startFakeHub } from '../test/ws-server';
import { blockSummary, nodeInfo } from '../test/api-fixtures';
import { MemoryRouter } from 'react-router-dom';
import { Layout } from '../components/Layout';
import { NodeInfoProvider } from './node-info';

function Probe() {
  const { state, epoch } = useRealtime();
  const [heights, setHeights] = useState<number[]>([]);
  useTopics(['blocks'], (m) => {
    if (m.type === 'block') setHeights((h) => [...h, m.block.height]);
  });
  const info = useApi<{ height: number }>('/api/node/info');
  return (
    <div>
      <span data-testid="state">{state}</span>
      <span data-testid="epoch">{epoch}</span>
      <span data-testid="heights">{heights.join(',')}</span>
      <span data-testid="info">{info.data?.height ?? '-'}</span>
    </div>
  );
}

describe('RealtimeProvider + useTopics + useApi', () => {
  let hub: Awaited<ReturnType<typeof startFakeHub>>;
  let fetches = 0;
  beforeEach(async () => {
    hub = await startFakeHub();
    fetches = 0;
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => {
        fetches += 1;
        return new Response(JSON.stringify(nodeInfo({ height: 10 * fetches })), { status: 200 });
      }),
    );
  });
  afterEach(async () => {
    cleanup();
    vi.unstubAllGlobals();
    await hub.close();
  });

  it('delivers topic messages, and after a reconnect resubscribes and refetches', async () => {
    const client = new RealtimeClient(hub.url, { factory: nodeSocket, minDelayMs: 20, maxDelayMs: 50 });
    render(
      <RealtimeProvider client={client}>
        <Probe />
      </RealtimeProvider>,
    );
    await waitFor(() => expect(screen.getByTestId('state').textContent === 'open').toBe(true));
    await waitFor(() => expect(hub.subscriptions()[0]?.length === 1).toBe(true));
    await waitFor(() => expect(screen.getByTestId('info').textContent !== '-').toBe(true));
    expect(screen.getByTestId('info').textContent).toBe('10');
    act(() => hub.publish('blocks', { type: 'block', block: blockSummary(5) }));
    await waitFor(() => expect(screen.getByTestId('heights').textContent === '5').toBe(true));

    act(() => hub.dropAll());
    await waitFor(() => expect(screen.getByTestId('epoch').textContent === '1' && hub.subscriptions()[0]?.length === 1).toBe(true));
    // Missed events are recovered by refetching once the socket is back.
    await waitFor(() => expect(screen.getByTestId('info').textContent === '20').toBe(true));
    act(() => hub.publish('blocks', { type: 'block', block: blockSummary(6) }));
    await waitFor(() => expect(screen.getByTestId('heights').textContent === '5,6').toBe(true));
  });

  it('shows malformed pushes as a connection problem in the header, keeps the page and the heights it had, and writes no console error', async () => {
    const errors = vi.spyOn(console, 'error');
    const client = new RealtimeClient(hub.url, { factory: nodeSocket, minDelayMs: 20, maxDelayMs: 50 });
    render(
      <RealtimeProvider client={client}>
        <NodeInfoProvider>
          <MemoryRouter>
            <Layout>
              <Probe />
            </Layout>
          </MemoryRouter>
        </NodeInfoProvider>
      </RealtimeProvider>,
    );
    await waitFor(() => expect(hub.subscriptions()[0]?.includes('blocks')).toBe(true));
    act(() => hub.publish('blocks', { type: 'block', block: blockSummary(7) }));
    await waitFor(() => expect(screen.getByTestId('heights').textContent).toBe('7'));
    expect(screen.queryByTestId('connection-malformed')).toBeNull();

    act(() => hub.publish('blocks', { type: 'block', block: { height: 'x' } }));
    act(() => hub.sendRaw('not json'));
    await waitFor(() => expect(screen.getByTestId('connection-malformed').textContent).toBe('2 malformed pushes dropped'));
    expect(screen.getByTestId('connection-malformed').getAttribute('title')).toBe('Latest: not JSON');
    expect(screen.getByTestId('connection').textContent).toBe('Live');
    expect(screen.getByTestId('heights').textContent).toBe('7');
    expect(errors).not.toHaveBeenCalled();
    errors.mockRestore();
  });
});
