import type { FastifyInstance } from 'fastify';
import { DOCS_PREFIX } from './openapi.js';
import { routePath } from './host-guard.js';

/**
 * What the web app may load and do: only its own files, its own API and
 * WebSocket, images it draws (the receive QR code is a data: URL), and no
 * framing. Chain data is rendered as text, never markup; this is the second
 * line, so that a rendering slip cannot run a stranger's script or send the
 * user's keys elsewhere, and another site cannot frame the app to click for
 * its user. Inline styles stay allowed: the editor and the charts insert them.
 */
export const WEB_APP_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Headers on every answer: no content sniffing (an API answer is never run as
 * a script or page), no referrer to other sites, no framing, no opener across
 * sites, no embedding by other sites; the policy above
 * on all but the API docs page, whose Swagger UI sets its own (openapi.ts
 * docsPolicy).
 */
export function installSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (req, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
    // A site that opens the wallet gets no handle to its window (it could send it to a look-alike page
    // later), and no other site may embed its answers as images or scripts.
    reply.header('cross-origin-opener-policy', 'same-origin');
    reply.header('cross-origin-resource-policy', 'same-origin');
    if (!routePath(req).startsWith(DOCS_PREFIX)) reply.header('content-security-policy', WEB_APP_CSP);
    return payload;
  });
}
