import { describe, expect, it } from 'vitest';
import { boundNote, urlHost } from './url-host.js';

describe('urlHost', () => {
  it('gives a URL host the server answers to: loopback for a wildcard bind, IPv6 in brackets', () => {
    expect([urlHost('0.0.0.0'), boundNote('0.0.0.0')]).toEqual(['127.0.0.1', ' (bound to 0.0.0.0)']);
    expect([urlHost('::'), boundNote('::')]).toEqual(['[::1]', ' (bound to ::)']);
    expect([urlHost('127.0.0.1'), boundNote('127.0.0.1')]).toEqual(['127.0.0.1', '']);
    expect([urlHost('fd00::5'), boundNote('fd00::5')]).toEqual(['[fd00::5]', '']);
    expect([urlHost('node.lan'), boundNote('node.lan')]).toEqual(['node.lan', '']);
  });
});
