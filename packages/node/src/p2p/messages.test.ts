import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeStatus, encodeStatus, type StatusMessage } from './messages.js';

const status = (over: Partial<StatusMessage>): StatusMessage => ({
  network: 'regtest',
  chainId: 3,
  genesis: new Uint8Array(32).fill(1),
  bestHash: new Uint8Array(32).fill(2),
  height: 7,
  chainWork: 123n,
  agent: 'hackcoin/0.1.0 (node 20)',
  listenAddrs: ['/ip4/127.0.0.1/tcp/4001'],
  ...over,
});

describe('status message', () => {
  it("keeps an honest agent and network as sent, and strips what could forge a log line or drive the operator's terminal", () => {
    expect(decodeStatus(encodeStatus(status({})))).toEqual(status({}));
    const forged = 'x)\n2026-11-30 00:00:00 ERROR [chain] FORGED\x1b]0;pwned\x07\x1b[31m';
    const got = decodeStatus(encodeStatus(status({ agent: forged, network: 'reg\r\ntest' })));
    expect(got.agent).toBe('x)2026-11-30 00:00:00 ERROR chain FORGED0;pwned31m');
    expect(got.network).toBe('regtest');
  });

  it('never hands on a control character or markup from any agent', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 100, unit: 'binary' }), (agent) => {
        const got = decodeStatus(encodeStatus(status({ agent }))).agent;
        expect(got).toMatch(/^[A-Za-z0-9 .,;\-_/:?@()]*$/);
      }),
      { numRuns: 500 },
    );
  });
});
