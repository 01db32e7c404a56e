/**
 * The line the node prints at start-up for opening its web app. The token-bearing URL goes only to
 * a terminal: under systemd or Docker stdout is the log, which is kept, shipped and shown to more
 * people than the node's data directory; there the line says where the token is instead.
 */
export function controlUrlLine(
  baseUrl: string,
  token: string,
  where: { terminal: boolean; cookieFile?: string },
): string {
  if (where.terminal) return `Control URL: ${baseUrl}/?token=${token}`;
  const source = where.cookieFile ? `the token is in ${where.cookieFile}` : 'the token is the API_TOKEN it was given';
  return `Control URL: ${baseUrl}/ (open it with ?token=<token>; ${source})`;
}
