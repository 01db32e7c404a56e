import { afterEach, describe, expect, it } from 'vitest';
import { captureTokenFromUrl, getToken, setToken } from './token';

/** Opens `path` in this jsdom window, as following a link would. */
function follow(path: string) {
  window.history.replaceState(null, '', path);
  return captureTokenFromUrl(window.location, window.history);
}

describe('captureTokenFromUrl', () => {
  afterEach(() => setToken(null));

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
