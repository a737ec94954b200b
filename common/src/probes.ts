import { Router } from 'express';
import type { Registry } from 'prom-client';
import type { Readiness } from './readiness.js';

/** GET /healthz (liveness), /readyz (readiness) and /metrics (Prometheus text). */
export function probesRouter({ readiness, metrics }: { readiness: Readiness; metrics: Registry }): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', (_req, res) => {
    res
      .status(readiness.ready ? 200 : 503)
      .json({ status: readiness.ready ? 'ready' : 'not_ready', reason: readiness.reason });
  });
  router.get('/metrics', async (_req, res) => {
    res.type(metrics.contentType).send(await metrics.metrics());
  });
  return router;
}
