import { afterEach, describe, expect, it, vi } from 'vitest';
import { api } from './api';
import { captureTokenFromUrl, getToken, setToken } from './token';
import { nodeInfo } from '../test/api-fixtures';

/** Opens `path` in this jsdom window, as following a link would. */
function follow(path: string) {
  window.history.replaceState(null, '', path);
  return captureTokenFromUrl(window.location, window.history);
}

describe('captureTokenFromUrl', () => {
  afterEach(() => {
    setToken(null);
    vi.unstubAllGlobals();
  });

  it('leaves no token in the address bar or this history entry, and the API calls still send it', async () => {
    window.history.pushState(null, '', '/wallet?token=cccc3333dddd4444&net=dev#send');
    const entries = window.history.length;
    expect(captureTokenFromUrl(window.location, window.history)).toEqual({ kind: 'saved' });
    // Replaced, not pushed: no entry (back button, history list) keeps the URL with the token.
    expect(window.history.length).toBe(entries);
    expect(window.location.href).not.toContain('cccc3333dddd4444');
    expect(window.location.pathname + window.location.search + window.location.hash).toBe('/wallet?net=dev#send');
    const fetch = vi.fn(async (_url: string, _init: RequestInit) => new Response(JSON.stringify(nodeInfo())));
    vi.stubGlobal('fetch', fetch);
    await api('/api/node/info', { auth: true });
    expect((fetch.mock.calls[0]![1].headers as Record<string, string>).authorization).toBe('Bearer cccc3333dddd4444');
  });

  it('saves the token of a link when none is saved, and takes it off the address bar', () => {
    expect(follow('/mining?token=aaaa1111bbbb2222&x=1#top')).toEqual({ kind: 'saved' });
    expect(getToken()).toBe('aaaa1111bbbb2222');
    expect(window.location.pathname + window.location.search + window.location.hash).toBe('/mining?x=1#top');
  });

  it('keeps a saved token that differs from the link’s and hands the link’s back for the user to choose', () => {
    setToken('saved0000saved0000');
    expect(follow('/?token=other1111other1111')).toEqual({ kind: 'differs', token: 'other1111other1111' });
    expect(getToken()).toBe('saved0000saved0000');
    expect(window.location.search).toBe('');
    expect(follow('/?token=saved0000saved0000')).toEqual({ kind: 'saved' });
  });

  it('does nothing for a link without a token, or with an empty one', () => {
    setToken('saved0000saved0000');
    expect(follow('/wallet')).toEqual({ kind: 'none' });
    expect(follow('/wallet?token=')).toEqual({ kind: 'none' });
    expect(window.location.search).toBe('');
    expect(getToken()).toBe('saved0000saved0000');
  });
});
