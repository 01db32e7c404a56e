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
 * The node prints its web URL with `?token=…`; take it from the address bar
 * once, remember it, and remove it from the visible URL and history.
 */
export function captureTokenFromUrl(loc: Location = window.location, history: History = window.history): boolean {
  const url = new URL(loc.href);
  const token = url.searchParams.get('token');
  if (!token) return false;
  setToken(token);
  url.searchParams.delete('token');
  history.replaceState(history.state, '', `${url.pathname}${url.search}${url.hash}`);
  return true;
}
