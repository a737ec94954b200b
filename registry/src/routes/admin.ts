import { requireAdminToken } from '@meshlab/common';
import { Router } from 'express';
import type { RegistryContext } from '../context.js';
import { prometheusTargets } from '../views.js';

/** POST /health-check (admin), GET /prometheus/targets and GET /config. */
export function adminRouter({ deployment, store, checker, adminToken }: RegistryContext): Router {
  const router = Router();

  router.post('/health-check', requireAdminToken(adminToken), async (_req, res) => {
    const round = await checker.runRound();
    res.json({
      ms: round.ms,
      results: round.results.map(({ service, id, status, ok, ms, error }) => ({
        service,
        id,
        status,
        ok,
        ms,
        ...(error === undefined ? {} : { error }),
      })),
      removed: round.removed,
    });
  });

  router.get('/prometheus/targets', (_req, res) => {
    res.json(prometheusTargets(store));
  });

  router.get('/config', (_req, res) => {
    res.json(deployment);
  });

  return router;
}
