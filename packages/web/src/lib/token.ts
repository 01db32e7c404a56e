const KEY = 'hackcoin.nodeToken';

export function getToken(): string | null {
  try {
    return localStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export function setToken(token: string | null): void {
  if (token) localStorage.setItem(KEY, token.trim());
  else localStorage.removeItem(KEY);
}

/**
 * What opening a `?token=` link did: nothing (no token in it), saved its token (none was stored, or
 * it is the one stored), or kept the stored one, the link's waiting for the user to choose.
 */
export type LinkedToken = { kind: 'none' } | { kind: 'saved' } | { kind: 'differs'; token: string };

/**
 * The node prints its web URL with `?token=…` at a terminal; take it from the address bar once and
 * remove it from the visible URL and history. A token already stored is never replaced unasked: a
 * link is anyone's to send, and one carrying another token would silently lock this browser out of
 * its own node's control routes.
 */
export function captureTokenFromUrl(loc: Location = window.location, history: History = window.history): LinkedToken {
  const url = new URL(loc.href);
  const token = url.searchParams.get('token')?.trim();
  if (token === undefined) return { kind: 'none' };
  url.searchParams.delete('token');
  history.replaceState(history.state, '', `${url.pathname}${url.search}${url.hash}`);
  if (!token) return { kind: 'none' };
  const stored = getToken();
  if (stored === null) setToken(token);
  else if (stored !== token) return { kind: 'differs', token };
  return { kind: 'saved' };
}
