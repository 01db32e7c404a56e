import { describe, expect, it } from 'vitest';
import { BAN_THRESHOLD, BanScore, PENALTY } from './ban-score.js';
import { BanList } from './ban-list.js';
import { MISBEHAVIOUR_LINES_PER_MINUTE, PeerTable } from './peer-set.js';
import { PeerState } from './peer-state.js';
import { testLog } from './test-peers.js';

describe('ban scoring', () => {
  it('a burst of flood offences bans, the same spread over minutes does not', () => {
    let t = 0;
    const burst = new BanScore(() => t);
    for (let i = 0; i < 50; i++) burst.add(PENALTY.requestFlood.persistent, PENALTY.requestFlood.transient);
    expect(burst.value).toBeGreaterThanOrEqual(BAN_THRESHOLD);
    const spread = new BanScore(() => t);
    for (let i = 0; i < 50; i++) {
      t += 60_000;
      spread.add(PENALTY.requestFlood.persistent, PENALTY.requestFlood.transient);
    }
    expect(spread.value).toBeLessThan(BAN_THRESHOLD);
  });

  it('a replayed sync round is forgiven once, not twice; proven invalid data bans at once', () => {
    const bans = new BanList(undefined, 60_000);
    const table = new PeerTable({ isBanned: (id) => bans.isBanned(id), ban: (id, reason, address) => bans.ban(id, reason, address) }, testLog);
    table.add(new PeerState('replayer', 'inbound', '/ip4/10.0.0.1/tcp/1', 0));
    table.add(new PeerState('forger', 'inbound', '/ip4/10.0.0.2/tcp/1', 0));
    expect(table.misbehave('replayer', 'noProgress', 'x')).toBe(false);
    expect(table.misbehave('replayer', 'noProgress', 'x')).toBe(true);
    expect(table.misbehave('forger', 'invalidHeader', 'bad-diffbits')).toBe(true);
    expect(bans.list().map((b) => b.peerId).sort()).toEqual(['forger', 'replayer']);
  });

  it("prints at most a minute's budget of misbehaviour and ban lines for a flood of sybils, and says how many it held back", () => {
    const clock = { now: 0 };
    const lines: string[] = [];
    const log = { ...testLog, warn: (m: string) => lines.push(m) };
    const bans = new BanList(undefined, 60_000, () => clock.now);
    const table = new PeerTable({ isBanned: (id) => bans.isBanned(id), ban: (id, reason, address) => bans.ban(id, reason, address) }, log, () => clock.now);
    for (let i = 0; i < 1_000; i++) {
      table.add(new PeerState(`sybil${i}`, 'inbound', '/ip4/10.0.0.1/tcp/1', 0));
      expect(table.misbehave(`sybil${i}`, 'invalidHeader', 'bad-diffbits')).toBe(true);
    }
    expect(bans.list().length).toBe(1_000);
    expect(lines.length).toBe(MISBEHAVIOUR_LINES_PER_MINUTE);
    expect(lines.slice(0, 2)).toEqual([expect.stringContaining('misbehaved (invalidHeader: bad-diffbits)'), expect.stringMatching(/^banned /)]);
    clock.now += 60_000;
    table.add(new PeerState('later', 'inbound', '/ip4/10.0.0.2/tcp/1', 0));
    table.misbehave('later', 'invalidHeader', 'bad-diffbits');
    expect(lines.slice(MISBEHAVIOUR_LINES_PER_MINUTE)).toEqual([
      `${2 * 1_000 - MISBEHAVIOUR_LINES_PER_MINUTE} more misbehaviour and ban lines were held back in the last minute (GET /api/network/bans lists the bans)`,
      expect.stringContaining('misbehaved'),
      expect.stringMatching(/^banned /),
    ]);
  });

  it('misbehaviour discourages the address; only an operator ban refuses it', () => {
    const bans = new BanList(undefined, 60_000);
    bans.ban('a', 'invalidBlock', '/ip4/10.0.0.1/tcp/5');
    bans.ban('b', 'banned by operator', '/ip4/10.0.0.2/tcp/5', true);
    expect(bans.isDiscouraged('10.0.0.1')).toBe(true);
    expect(bans.isBannedIp('10.0.0.1')).toBe(false);
    expect(bans.isBannedIp('10.0.0.2')).toBe(true);
    expect(bans.isDiscouraged('10.0.0.3')).toBe(false);
  });
});
