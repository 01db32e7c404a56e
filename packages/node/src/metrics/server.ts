import { createServer, type Server } from 'node:http';
import { HOST_REFUSED, hostHeaderAllowed, type HostPolicy } from '../api/host-guard.js';
import type { Logger } from '../util/logger.js';
import type { NodeMetrics } from './metrics.js';
import { boundNote, urlHost } from '../util/url-host.js';

/**
 * Serves GET /metrics on its own port, so the scrape endpoint can be bound
 * and firewalled apart from the API (operators usually keep it private).
 * It answers to the API's Host names (API_VHOSTS): a page whose name is
 * rebound to a loopback node would otherwise read its metrics.
 */
export class MetricsServer {
  private readonly server: Server;

  constructor(
    private readonly metrics: NodeMetrics,
    private readonly log: Logger,
    hosts: HostPolicy,
  ) {
    const served = hostHeaderAllowed(hosts);
    this.server = createServer((req, res) => {
      if (!served(req.headers.host)) {
        res.writeHead(403, { 'content-type': 'text/plain' }).end(`${HOST_REFUSED}\n`);
        return;
      }
      if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: metrics are at GET /metrics\n');
        return;
      }
      this.metrics.render().then(
        (body) => res.writeHead(200, { 'content-type': this.metrics.contentType() }).end(body),
        (e: Error) => {
          this.log.error(`metrics: ${e.message}`);
          res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics failed\n');
        },
      );
    });
    // Scrapes are short; a slow or idle client must not hold a socket for long.
    this.server.requestTimeout = 10_000;
    this.server.headersTimeout = 5_000;
    this.server.maxConnections = 32;
  }

  async listen(host: string, port: number): Promise<number> {
    await new Promise<void>((res, rej) => {
      this.server.once('error', rej);
      this.server.listen(port, host, () => res());
    });
    const bound = (this.server.address() as { port: number }).port;
    this.log.info(`metrics listening on http://${urlHost(host)}:${bound}/metrics${boundNote(host)}`);
    return bound;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((res) => this.server.close(() => res()));
  }
}
