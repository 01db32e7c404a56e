import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen } from '@testing-library/react';
import type { PeerSummary } from '../../lib/types';
import { ToastProvider } from '../../state/toast';
import { PeersTable } from './PeersTable';

const peer: PeerSummary = {
  id: '12D3KooWPeer',
  address: '/ip4/10.0.0.2/tcp/8333',
  direction: 'inbound',
  latencyMs: 12,
  bestHeight: 5,
  bestHash: null,
  // An agent string is whatever the peer sent in its handshake.
  agent: 'hackcoin/0.1.0\u202e\u200b (trusted)',
  connectedSince: '2026-01-01T00:00:00.000Z',
  bytesIn: 1,
  bytesOut: 2,
  banScore: 0,
};

describe('the peers table', () => {
  afterEach(() => cleanup());

  it("writes out hidden and bidi characters of a peer's agent, in the table, its tooltip and the phone layout", () => {
    render(
      <ToastProvider>
        <PeersTable peers={[peer]} canControl={false} onChange={() => undefined} />
      </ToastProvider>,
    );
    const shown = 'hackcoin/0.1.0⟨U+202E⟩⟨U+200B⟩ (trusted)';
    const cell = screen.getByTestId('peer-row').querySelectorAll('td')[5]!;
    expect(cell.textContent).toBe(shown);
    expect(cell.getAttribute('title')).toBe(shown);
    expect(screen.getByRole('list', { name: 'Peers' }).textContent).toContain(shown);
  });
});
