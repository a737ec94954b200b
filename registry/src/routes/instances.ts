import { HttpError, NotFoundError, validate } from '@meshlab/common';
import { Router } from 'express';
import type { RegistryContext } from '../context.js';
import { instanceParams, registerBody } from '../payloads.js';
import { RegistryFullError } from '../store.js';
import { instanceView } from '../views.js';

/** The instance API (open, instances call it): register, heartbeat, deregister. */
export function instancesRouter({ deployment, store }: RegistryContext): Router {
  const router = Router();

  router.post('/services/register', (req, res) => {
    const body = validate(registerBody, req.body ?? {}, 'body');
    const healthPath = body.healthPath ?? deployment.services[body.name]?.healthCheck.path ?? '/healthz';
    try {
      const { instance, created } = store.register({
        name: body.name,
        id: body.id,
        url: body.url,
        healthPath,
        metadata: body.metadata ?? {},
      });
      res.status(created ? 201 : 200).json(instanceView(instance));
    } catch (error) {
      if (!(error instanceof RegistryFullError)) throw error;
      throw new HttpError(429, 'too_many_instances', `POST /services/register: ${error.message}`, {
        details: { max: error.max },
      });
    }
  });

  router.put('/services/:name/:id/heartbeat', (req, res) => {
    const { name, id } = validate(instanceParams, req.params, 'params');
    const instance = store.heartbeat(name, id);
    if (!instance) throw unknownInstance('PUT', name, id);
    res.json(instanceView(instance));
  });

  router.delete('/services/:name/:id', (req, res) => {
    const { name, id } = validate(instanceParams, req.params, 'params');
    if (!store.deregister(name, id)) throw unknownInstance('DELETE', name, id);
    res.status(204).end();
  });

  return router;
}

function unknownInstance(method: string, name: string, id: string): NotFoundError {
  return new NotFoundError(
    `${method} /services/${name}/${id}: no instance ${id} of service ${name} is registered`,
    {
      code: 'unknown_instance',
      details: { service: name, id },
    },
  );
}
