import { NotFoundError, validate } from '@meshlab/common';
import { Router } from 'express';
import type { RegistryContext } from '../context.js';
import { serviceParams } from '../payloads.js';
import { serviceViews } from '../views.js';

/** GET /services and /services/:name: every instance with its status, desired vs ready. */
export function servicesRouter({ deployment, store }: RegistryContext): Router {
  const router = Router();

  router.get('/services', (_req, res) => {
    res.json({ services: Object.fromEntries(serviceViews(deployment, store)) });
  });

  router.get('/services/:name', (req, res) => {
    const { name } = validate(serviceParams, req.params, 'params');
    const view = serviceViews(deployment, store).get(name);
    if (!view) {
      throw new NotFoundError(
        `GET /services/${name}: service ${name} is neither in deployment.yaml nor registered`,
        {
          code: 'unknown_service',
          details: { service: name },
        },
      );
    }
    res.json(view);
  });

  return router;
}
