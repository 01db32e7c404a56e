/**
 * The host to put in a URL for a server bound to `bind`: bound to every interface, a loopback
 * address, since the API and metrics do not answer to 0.0.0.0 or :: (api/host-guard.ts); an IPv6
 * address in brackets.
 */
export function urlHost(bind: string): string {
  if (bind === '0.0.0.0') return '127.0.0.1';
  if (bind === '::') return '[::1]';
  return bind.includes(':') ? `[${bind}]` : bind;
}

/** A note naming the bind address when the URL shows another. */
export function boundNote(bind: string): string {
  return urlHost(bind).replace(/^\[|\]$/g, '') === bind ? '' : ` (bound to ${bind})`;
}
