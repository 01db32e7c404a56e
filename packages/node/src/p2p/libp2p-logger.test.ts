import { describe, expect, it } from 'vitest';
import { libp2pLogger } from './libp2p-logger.js';

describe('libp2pLogger', () => {
  it('hands every component, scope and stream one silent logger while DEBUG is unset', () => {
    const components = libp2pLogger({})!;
    const a = components.forComponent('libp2p:yamux');
    const b = components.forComponent('libp2p:tcp');
    expect(a).toBe(b);
    expect(a.newScope('stream:outbound:1')).toBe(a);
    expect(a.enabled).toBe(false);
    expect([a('x %s', 1), a.error(new Error('e')), a.trace('t')]).toEqual([undefined, undefined, undefined]);
  });

  it("leaves libp2p its own logger when DEBUG asks for logs", () => {
    expect(libp2pLogger({ DEBUG: 'libp2p:*' })).toBeUndefined();
  });
});
