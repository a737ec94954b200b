import { HttpError, NotFoundError, validate } from '@meshlab/common';
import { Router, type Request } from 'express';
import { identifyCaller, type Caller } from '../caller.js';
import type { RegistryContext } from '../context.js';
import { assertOwnAddress } from '../own-address.js';
import { instanceParams, registerBody } from '../payloads.js';
import { NotOwnerError, RegistryFullError, type Claim } from '../store.js';
import { instanceView, serviceConfig } from '../views.js';

const claimOf = (caller: Caller): Claim => ({ owner: caller.owner, admin: caller.credential === 'admin' });

/**
 * The instance API: register, heartbeat, deregister. Each needs the registry (or admin) token
 * when REGISTRY_TOKEN is set; an instance belongs to the host that registered it, and may
 * announce only its own address.
 */
export function instancesRouter(context: RegistryContext): Router {
  const { deployment, store, tokens, lookup } = context;
  const router = Router();
  const callerOf = (req: Request, what: string) =>
    identifyCaller(what, req.get('authorization'), req.socket.remoteAddress, tokens);

  router.post('/services/register', async (req, res) => {
    const what = 'POST /services/register';
    const caller = callerOf(req, what);
    const body = validate(registerBody, req.body ?? {}, 'body');
    await assertOwnAddress(what, body.url, caller, lookup);
    const healthPath =
      body.healthPath ?? serviceConfig(deployment, body.name)?.healthCheck.path ?? '/healthz';
    try {
      const registration = {
        name: body.name,
        id: body.id,
        url: body.url,
        healthPath,
        metadata: body.metadata ?? {},
      };
      const { instance, created } = store.register(registration, claimOf(caller));
      res.status(created ? 201 : 200).json(instanceView(instance));
    } catch (error) {
      if (error instanceof NotOwnerError) throw notOwner(what, error, 409);
      if (!(error instanceof RegistryFullError)) throw error;
      throw new HttpError(429, 'too_many_instances', `${what}: ${error.message}`, {
        details: { limit: error.limit, max: error.max, service: body.name },
      });
    }
  });

  router.put('/services/:name/:id/heartbeat', (req, res) => {
    const { name, id } = validate(instanceParams, req.params, 'params');
    const what = `PUT /services/${name}/${id}/heartbeat`;
    const caller = callerOf(req, what);
    const instance = ownerOnly(what, () => store.heartbeat(name, id, claimOf(caller)));
    if (!instance) throw unknownInstance(what, name, id);
    res.json(instanceView(instance));
  });

  router.delete('/services/:name/:id', (req, res) => {
    const { name, id } = validate(instanceParams, req.params, 'params');
    const what = `DELETE /services/${name}/${id}`;
    const caller = callerOf(req, what);
    if (!ownerOnly(what, () => store.deregister(name, id, claimOf(caller))))
      throw unknownInstance(what, name, id);
    res.status(204).end();
  });

  return router;
}

function ownerOnly<T>(what: string, write: () => T): T {
  try {
    return write();
  } catch (error) {
    if (error instanceof NotOwnerError) throw notOwner(what, error, 403);
    throw error;
  }
}

function notOwner(what: string, error: NotOwnerError, status: 403 | 409): HttpError {
  return new HttpError(status, 'not_owner', `${what}: ${error.message}`, {
    details: { service: error.instance.name, id: error.instance.id },
  });
}

function unknownInstance(what: string, name: string, id: string): NotFoundError {
  return new NotFoundError(`${what}: no instance ${id} of service ${name} is registered`, {
    code: 'unknown_instance',
    details: { service: name, id },
  });
}
