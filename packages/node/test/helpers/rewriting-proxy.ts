import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';

/** A JSON answer's path (with query) and body; return a replacement body, or undefined to pass it on as is. */
export type Rewrite = (path: string, json: any) => unknown;

export interface RewritingProxy {
  url: string;
  /** Bodies of the requests that reached the node, in order. */
  posted: { path: string; body: string }[];
  close: () => void;
}

/**
 * A hostile node as a page sees it: forwards every request (and the /ws
 * upgrade) to the real node and lets `rewrite` change its successful JSON
 * answers on the way back.
 */
export async function startRewritingProxy(target: URL, rewrite: Rewrite): Promise<RewritingProxy> {
  const posted: { path: string; body: string }[] = [];
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    if (req.method !== 'GET') posted.push({ path: req.url!, body: body.toString('utf8') });
    const headers: Record<string, string> = { accept: req.headers.accept ?? '*/*' };
    if (req.headers['content-type']) headers['content-type'] = req.headers['content-type'];
    if (req.headers.authorization) headers.authorization = req.headers.authorization;
    const upstream = await fetch(`${target.origin}${req.url}`, { method: req.method!, headers, ...(req.method === 'GET' || req.method === 'HEAD' ? {} : { body }) });
    const type = upstream.headers.get('content-type') ?? 'application/octet-stream';
    let out: Buffer | string = Buffer.from(await upstream.arrayBuffer());
    if (upstream.ok && type.startsWith('application/json')) {
      const changed = rewrite(req.url!, JSON.parse(out.toString('utf8')));
      if (changed !== undefined) out = JSON.stringify(changed);
    }
    res.writeHead(upstream.status, { 'content-type': type }).end(out);
  });
  server.on('upgrade', (req, socket, head) => {
    const up = connect(Number(target.port), target.hostname, () => {
      const lines = [`${req.method} ${req.url} HTTP/1.1`, ...Object.entries(req.headers).map(([k, v]) => `${k}: ${String(v)}`), '', ''];
      up.write(lines.join('\r\n'));
      if (head.length > 0) up.write(head);
      up.pipe(socket).pipe(up);
    });
    up.on('error', () => socket.destroy());
    socket.on('error', () => up.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    posted,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}
