import type { FastifyInstance } from 'fastify';
import type { NodeMetrics } from './metrics.js';

/** Times every API request by its route pattern (unmatched URLs share one label, so labels stay bounded). */
export function observeApi(app: FastifyInstance, metrics: NodeMetrics): void {
  app.addHook('onResponse', async (req, reply) => {
    metrics.apiSeconds.observe(
      { method: req.method, route: req.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });
}
