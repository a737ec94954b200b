import type { Express } from 'express';
import swaggerUi from 'swagger-ui-express';
import type { Registry } from 'prom-client';
import {
  NotFoundError,
  createServiceApp,
  requireAdminToken,
  validate,
  type Logger,
  type Readiness,
} from '@meshlab/common';
import { resetParamsSchema } from './openapi/gateway-schemas.js';
import type { MeshStatus } from './mesh-status.js';
import type { ServiceRuntime } from './service-runtime.js';

export interface AdminAppDeps {
  logger: Logger;
  metrics: Registry;
  readiness: Readiness;
  services: ReadonlyMap<string, ServiceRuntime>;
  status: () => MeshStatus;
  openapi: Record<string, unknown>;
  adminToken: string | undefined;
}

/** Express for everything that is not the data path: /mesh/*, /docs, /openapi.json, probes, metrics. */
export function createAdminApp(deps: AdminAppDeps): Express {
  return createServiceApp(deps, (app) => {
    app.get('/mesh/status', (_req, res) => {
      res.json(deps.status());
    });
    app.post('/mesh/reset/:service', requireAdminToken(deps.adminToken), (req, res) => {
      const { service: name } = validate(resetParamsSchema, req.params, 'params');
      const service = deps.services.get(name);
      if (!service) {
        const known = [...deps.services.keys()].join(', ');
        throw new NotFoundError(`POST /mesh/reset/${name}: no service ${name}; known services: ${known}`, {
          code: 'unknown_service',
          details: { service: name },
        });
      }
      service.reset();
      deps.logger.info({ service: name }, 'breaker and ejections reset by admin');
      res.json({
        service: name,
        circuit: service.breaker.state,
        ejectedEndpoints: service.outliers.ejectedCount(),
      });
    });
    app.get('/openapi.json', (_req, res) => {
      res.json(deps.openapi);
    });
    app.use('/docs', swaggerUi.serve, swaggerUi.setup(deps.openapi, { customSiteTitle: 'meshlab gateway' }));
  });
}

const adminPaths = new Set(['/healthz', '/readyz', '/metrics', '/openapi.json', '/docs']);
const adminInitials = new Set([...'hrmod'].map((c) => c.charCodeAt(0)));

/** Whether a request target belongs to the admin app rather than the proxy. */
export function isAdminTarget(url: string): boolean {
  // Cheap refusal for the data path: every admin path starts with one of these letters.
  if (!adminInitials.has(url.charCodeAt(1))) return false;
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  return adminPaths.has(path) || path.startsWith('/mesh/') || path.startsWith('/docs/');
}
