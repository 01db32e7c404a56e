import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import { CONTRACT_EXAMPLES } from '@hackcoin/core';
import { RealtimeClient } from '../../lib/realtime';
import { TOKEN_READ_GAS } from '../../lib/token-read';
import { RealtimeProvider } from '../../state/realtime';
import { nodeSocket, startFakeHub } from '../../test/ws-server';
import { ContractRow } from './ContractRow';

const DEPLOYER = '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed';
const TOKEN = '0x1111111111111111111111111111111111111111';
const LOOP = '0x2222222222222222222222222222222222222222';

describe('a contract row', () => {
  let hub: Awaited<ReturnType<typeof startFakeHub>>;
  let client: RealtimeClient;
  let calls: { contractAddress: string; functionName: string; gasLimit?: number }[];

  beforeEach(async () => {
    hub = await startFakeHub();
    client = new RealtimeClient(hub.url, { factory: nodeSocket, minDelayMs: 20, maxDelayMs: 50 });
    calls = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string, init: RequestInit) => {
        const detail = /^\/api\/contracts\/(0x[0-9a-fA-F]{40})\?/.exec(url);
        if (detail) return Response.json({ address: detail[1], deployer: DEPLOYER, height: 1, txId: 'aa'.repeat(32), balance: '0', code: CONTRACT_EXAMPLES.token, storageCount: 0, storage: {}, events: [] });
        const call = JSON.parse(init.body as string) as (typeof calls)[number];
        calls.push(call);
        return Response.json(call.contractAddress === LOOP ? { status: 'out-of-gas', gasUsed: call.gasLimit ?? 10_000_000, height: 1 } : { status: 'success', gasUsed: 167_000, height: 1, returnValue: 'TOK' });
      }),
    );
  });

  afterEach(async () => {
    cleanup();
    vi.unstubAllGlobals();
    await hub.close();
  });

  const row = (address: string) =>
    render(
      <RealtimeProvider client={client}>
        <ContractRow contract={{ address, deployer: DEPLOYER, height: 1, txId: 'aa'.repeat(32), balance: '0', storageEntries: 0 }} onOpen={() => undefined} />
      </RealtimeProvider>,
    );

  it("reads a token's symbol on the small token gas limit", async () => {
    row(TOKEN);
    await waitFor(() => expect(screen.getByTestId('contract-name').textContent).toBe('Token TOK'));
    expect(calls).toEqual([{ contractAddress: TOKEN, functionName: 'symbol', parameters: [], gasLimit: TOKEN_READ_GAS }]);
  });

  it('does not ask again, this session, for the symbol of a token-shaped contract that ran out of gas', async () => {
    const first = row(LOOP);
    await waitFor(() => expect(calls).toHaveLength(1));
    first.unmount();
    row(LOOP);
    await waitFor(() => expect(screen.getByTestId('contract-name').textContent).toBe('Token'));
    row(TOKEN);
    await waitFor(() => expect(calls).toHaveLength(2));
    expect(calls.map((c) => c.contractAddress)).toEqual([LOOP, TOKEN]);
  });
});
