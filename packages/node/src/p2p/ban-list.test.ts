import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BanList, MAX_BANS, type Ban } from './ban-list.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function banFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bans-'));
  dirs.push(dir);
  return join(dir, 'p2p', 'bans.json');
}

const HOUR = 3_600_000;

describe('BanList', () => {
  it('answers per IP from its index: any live ban discourages, a hard one refuses, expiry and unban lift both', () => {
    const clock = { now: 1_000_000 };
    const bans = new BanList(undefined, HOUR, () => clock.now);
    bans.ban('a', 'invalidBlock', '/ip4/10.0.0.1/tcp/5');
    bans.ban('b', 'invalidBlock', '/ip4/10.0.0.1/tcp/6');
    bans.ban('op', 'banned by operator', '/ip4/10.0.0.2/tcp/5', true);
    bans.ban('noip', 'malformed', undefined);
    expect([bans.isDiscouraged('10.0.0.1'), bans.isBannedIp('10.0.0.1')]).toEqual([true, false]);
    expect([bans.isDiscouraged('10.0.0.2'), bans.isBannedIp('10.0.0.2')]).toEqual([true, true]);
    expect(bans.isDiscouraged('10.0.0.3')).toBe(false);
    // One of two bans on an IP lifted: the other still discourages it.
    expect(bans.unban('a')).toBe(true);
    expect(bans.isDiscouraged('10.0.0.1')).toBe(true);
    expect(bans.unban('b')).toBe(true);
    expect(bans.isDiscouraged('10.0.0.1')).toBe(false);
    // A peer banned again from another address moves with it.
    bans.ban('op', 'invalidBlock', '/ip4/10.0.0.4/tcp/5');
    expect([bans.isDiscouraged('10.0.0.2'), bans.isBannedIp('10.0.0.2'), bans.isDiscouraged('10.0.0.4')]).toEqual([false, false, true]);
    clock.now += HOUR;
    expect([bans.isDiscouraged('10.0.0.4'), bans.isBanned('op'), bans.isBanned('noip')]).toEqual([false, false, false]);
    expect(bans.list()).toEqual([]);
  });

  it('holds at most MAX_BANS, letting go of the one that would have ended soonest, not the first made', () => {
    const clock = { now: 1_000_000 };
    const path = banFile();
    // A list saved by a run with longer bans: its first ban ends last.
    const saved: Ban[] = [
      { peerId: 'long', address: '/ip4/10.1.0.1/tcp/1', reason: 'x', since: clock.now - HOUR, until: clock.now + 48 * HOUR },
      { peerId: 'short', address: '/ip4/10.1.0.2/tcp/1', reason: 'x', since: clock.now - HOUR, until: clock.now + HOUR / 2 },
    ];
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, JSON.stringify(saved));
    const bans = new BanList(path, HOUR, () => clock.now);
    for (let i = 0; i < MAX_BANS - 2; i++) bans.ban(`p${i}`, 'invalidBlock', `/ip4/10.2.${i >> 8}.${i & 255}/tcp/1`);
    expect([bans.list().length, bans.isBanned('short')]).toEqual([MAX_BANS, true]);
    bans.ban('newest', 'invalidBlock', '/ip4/10.3.0.1/tcp/1');
    expect(bans.list().length).toBe(MAX_BANS);
    expect([bans.isBanned('short'), bans.isDiscouraged('10.1.0.2')]).toEqual([false, false]);
    expect([bans.isBanned('long'), bans.isBanned('p0'), bans.isBanned('newest')]).toEqual([true, true, true]);
  });

  it('keeps the operator’s hard bans when a flood of misbehaviour bans reaches the bound', () => {
    const clock = { now: 1_000_000 };
    const bans = new BanList(undefined, HOUR, () => clock.now);
    bans.ban('operator', 'set by the operator', '/ip4/10.9.0.1/tcp/1', true);
    clock.now += 1;
    for (let i = 0; i < MAX_BANS + 5; i++) bans.ban(`sybil${i}`, 'invalidBlock', `/ip4/10.4.${i >> 8}.${i & 255}/tcp/1`);
    expect(bans.list().length).toBe(MAX_BANS);
    expect([bans.isBanned('operator'), bans.isBannedIp('10.9.0.1')]).toEqual([true, true]);
    // The sybils went oldest first.
    expect([bans.isBanned('sybil0'), bans.isBanned(`sybil${MAX_BANS + 4}`)]).toEqual([false, true]);
  });

  it('writes a burst of bans once, after the burst, and what is pending on stop; a restart keeps them', async () => {
    const path = banFile();
    const bans = new BanList(path, HOUR);
    for (let i = 0; i < 100; i++) bans.ban(`p${i}`, 'invalidBlock', `/ip4/10.0.0.${i}/tcp/1`);
    // Nothing was written while the bans were made.
    expect(existsSync(path)).toBe(false);
    await bans.stop();
    expect((JSON.parse(readFileSync(path, 'utf8')) as Ban[]).length).toBe(100);
    const reopened = new BanList(path, HOUR);
    expect([reopened.isBanned('p42'), reopened.isDiscouraged('10.0.0.42'), reopened.list().length]).toEqual([true, true, 100]);
  });
});

describe('BanList under a flood of bans', () => {
  afterEach(() => {
    vi.useRealTimers();
  });
  const settle = async (cond: () => boolean): Promise<void> => {
    for (let i = 0; i < 1_000 && !cond(); i++) await new Promise((r) => setImmediate(r));
  };

  it("writes misbehaviour bans at most once a minute, the operator's within a second", async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const path = banFile();
    const bans = new BanList(path, HOUR);
    for (let i = 0; i < 100; i++) bans.ban(`sybil${i}`, 'invalidBlock', `/ip4/10.0.0.${i}/tcp/1`);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(existsSync(path)).toBe(false);
    bans.ban('op', 'set by the operator', '/ip4/10.9.0.1/tcp/1', true);
    await vi.advanceTimersByTimeAsync(1_000);
    await settle(() => existsSync(path));
    expect((JSON.parse(readFileSync(path, 'utf8')) as Ban[]).length).toBe(101);
    rmSync(path);
    bans.ban('sybil-late', 'invalidBlock', '/ip4/10.0.1.1/tcp/1');
    await vi.advanceTimersByTimeAsync(59_000);
    expect(existsSync(path)).toBe(false);
    await vi.advanceTimersByTimeAsync(1_000);
    await settle(() => existsSync(path));
    expect((JSON.parse(readFileSync(path, 'utf8')) as Ban[]).length).toBe(102);
    await bans.stop();
  });

  it('lets go of the soonest-ending ban each time, however bans were lifted and made again', () => {
    const clock = { now: 1_000_000 };
    const bans = new BanList(undefined, HOUR, () => clock.now);
    for (let i = 0; i < MAX_BANS; i++) {
      bans.ban(`p${i}`, 'invalidBlock', `/ip4/10.2.${i >> 8}.${i & 255}/tcp/1`);
      clock.now += 1;
    }
    // p0 is made again (it now ends last), p1 lifted: the next two bans push out p2 and p3.
    bans.ban('p0', 'invalidBlock', '/ip4/10.2.0.0/tcp/1');
    bans.unban('p1');
    clock.now += 1;
    bans.ban('n1', 'invalidBlock', '/ip4/10.3.0.1/tcp/1');
    bans.ban('n2', 'invalidBlock', '/ip4/10.3.0.2/tcp/1');
    bans.ban('n3', 'invalidBlock', '/ip4/10.3.0.3/tcp/1');
    expect(bans.list().length).toBe(MAX_BANS);
    expect(['p0', 'p1', 'p2', 'p3', 'p4', 'n1', 'n2', 'n3'].map((id) => bans.isBanned(id))).toEqual([true, false, false, false, true, true, true, true]);
    // Many rounds of lifting and banning again keep the order right and the queue bounded.
    for (let round = 0; round < 3; round++) {
      for (let i = 4; i < MAX_BANS; i++) bans.ban(`p${i}`, 'invalidBlock', `/ip4/10.2.${i >> 8}.${i & 255}/tcp/1`);
      clock.now += 1;
    }
    bans.ban('n4', 'invalidBlock', '/ip4/10.3.0.4/tcp/1');
    expect([bans.isBanned('p0'), bans.isBanned('n1'), bans.isBanned('p4'), bans.isBanned('n4'), bans.list().length]).toEqual([false, true, true, true, MAX_BANS]);
  });
});

describe('BanList keys IPs by one text form', () => {
  it('holds a ban made on an IPv4-mapped inbound address against the same host dialled as IPv4, and the other way round', () => {
    const inbound = new BanList(undefined, 1e6);
    inbound.ban('a', 'misbehaved', '/ip6/::ffff:1.2.3.4/tcp/1', true);
    expect([inbound.isDiscouraged('1.2.3.4'), inbound.isBannedIp('1.2.3.4')]).toEqual([true, true]);
    const outbound = new BanList(undefined, 1e6);
    outbound.ban('b', 'misbehaved', '/ip4/5.6.7.8/tcp/1');
    expect(outbound.isDiscouraged('::ffff:5.6.7.8')).toBe(true);
    expect(outbound.isDiscouraged('2001:db8::1')).toBe(false);
    outbound.ban('c', 'misbehaved', '/ip6/2001:DB8:0:0::1/tcp/1');
    expect(outbound.isDiscouraged('2001:db8::1')).toBe(true);
  });
});
