import type { Readiness } from '@meshlab/common';
import type { Express } from 'express';
import type { ShopService } from './config.js';

/**
 * GET /<service>/health: the check the registry runs through the service's own prefix.
 * It follows readiness, so an instance that is shutting down leaves the gateway's endpoints.
 */
export function registerHealthRoute(
  app: Express,
  deps: { service: ShopService; readiness: Readiness; instanceId?: string | undefined },
): void {
  app.get(`/${deps.service}/health`, (_req, res) => {
    const ready = deps.readiness.ready;
    res.status(ready ? 200 : 503).json({
      status: ready ? 'healthy' : 'unhealthy',
      service: deps.service,
      ...(deps.instanceId === undefined ? {} : { instanceId: deps.instanceId }),
      ...(ready ? {} : { reason: deps.readiness.reason }),
    });
  });
}
