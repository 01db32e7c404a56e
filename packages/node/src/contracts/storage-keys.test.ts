import { describe, expect, it } from 'vitest';
import { contractOnMemoryChain } from '../test-support/memory-contract.js';

const SOURCE = `
export function put(codes, value) { storage.set(String.fromCharCode(...codes), value); }
export function get(codes) { return storage.get(String.fromCharCode(...codes)); }
export function del(codes) { storage.delete(String.fromCharCode(...codes)); }
export function caught(codes) { try { storage.get(String.fromCharCode(...codes)); return 'read'; } catch (e) { return e.message; } }
`;
const REASON = 'storage key is not well-formed Unicode';
const FFFD3 = [0xfffd, 0xfffd, 0xfffd];
const LONE_KEYS = [[0xd800], [0x61, 0xdbff], [0xdc00, 0x61], [0xde00, 0xd83d], [0xd83d, 0xd83d, 0xde00]];

const chainWithContract = contractOnMemoryChain(SOURCE);

describe('storage keys must be well-formed Unicode (checked inside the VM)', () => {
  it('set, get and delete with a lone surrogate revert with the documented reason and store nothing', () => {
    const chain = chainWithContract();
    for (const key of LONE_KEYS) {
      const calls: [string, unknown[]][] = [['put', [key, 'lone']], ['get', [key]], ['del', [key]]];
      for (const [fn, args] of calls) {
        const r = chain.call('c', fn, args, 'alice');
        expect([fn, key, r.status, r.revertReason]).toEqual([fn, key, 'reverted', REASON]);
      }
    }
    expect([...chain.storageOf('c').keys()]).toEqual([]);
  });

  it('no longer aliases U+D800 to the key U+FFFD U+FFFD U+FFFD', () => {
    const chain = chainWithContract();
    expect(chain.call('c', 'put', [FFFD3, 'real'], 'alice').status).toBe('success');
    expect(chain.call('c', 'put', [[0xd800], 'lone'], 'alice').revertReason).toBe(REASON);
    expect(chain.call('c', 'get', [FFFD3], 'alice').returnValue).toBe('real');
    expect([...chain.storageOf('c')]).toEqual([['\uFFFD\uFFFD\uFFFD', '"real"']]);
  });

  it('keys with surrogate pairs work as before', () => {
    const chain = chainWithContract();
    const emoji = [0x61, 0xd83d, 0xde00];
    expect(chain.call('c', 'put', [emoji, 7], 'alice').status).toBe('success');
    expect(chain.call('c', 'get', [emoji], 'alice').returnValue).toBe(7);
    expect([...chain.storageOf('c').keys()]).toEqual(['a\u{1F600}']);
  });

  it('the refusal is an ordinary Error a contract can catch', () => {
    const chain = chainWithContract();
    const r = chain.call('c', 'caught', [[0xd800]], 'alice');
    expect([r.status, r.returnValue]).toEqual(['success', REASON]);
  });
});
