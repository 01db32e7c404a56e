import { describe, expect, it } from 'vitest';
import { createLogger } from '../util/logger.js';
import { InboundGate } from './inbound-gate.js';

const gate = (): InboundGate =>
  new InboundGate({
    peers: { all: () => [] },
    bans: { isBannedIp: (ip) => ip === '198.51.100.66', isDiscouraged: () => false },
    maxInbound: 64,
    secret: 'test',
    hangUp: () => undefined,
    log: createLogger('test', true),
  });

describe('InboundGate.admit', () => {
  it('counts connections still in their handshake against the per-IP and per-netgroup limits, before any peer is in the table', () => {
    const g = gate();
    // Eight silent sockets from eight addresses of one /16: no peer yet, every pending slot theirs.
    const open = new Map(Array.from({ length: 8 }, (_, i) => [`203.0.113.${10 + i}`, 1]));
    expect(g.admit('203.0.114.200', open)).toBe(false);
    expect(g.admit('198.51.100.7', open)).toBe(true);
    // Per address: four at most.
    expect(g.admit('198.51.100.7', new Map([['198.51.100.7', 4]]))).toBe(false);
    expect(g.admit('198.51.100.7', new Map([['198.51.100.7', 3]]))).toBe(true);
    // Banned addresses never; the shared loopback address (a local devnet) is not limited.
    expect(g.admit('198.51.100.66', new Map())).toBe(false);
    expect(g.admit('127.0.0.1', new Map([['127.0.0.1', 40]]))).toBe(true);
  });
});
