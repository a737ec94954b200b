import { z } from 'zod';
import { baseEnvSchema, envSchema } from '../config.js';
import type { Logger } from '../logger.js';
import type { MeshService } from '../mesh-service.js';
import type { Readiness } from '../readiness.js';
import type { Registry } from 'prom-client';
import { createServiceApp } from '../service-app.js';
import { validate } from '../validate.js';

/** The smallest service built on common: used by its tests and as the image smoke test. */
export const helloConfigSchema = baseEnvSchema.extend({ PORT: envSchema.port(8000) });

export function createHelloApp(deps: {
  logger: Logger;
  metrics: Registry;
  readiness: Readiness;
}): MeshService {
  const app = createServiceApp(deps, (app) => {
    app.get('/hello', (_req, res) => {
      res.json({ hello: 'meshlab' });
    });
    app.get('/slow', async (req, res) => {
      const { ms } = validate(
        z.object({ ms: z.coerce.number().int().min(0).max(10_000) }),
        req.query,
        'query',
      );
      // Headers first: a client knows its request is in flight before the body comes.
      res.status(200).type('application/json').flushHeaders();
      await new Promise((resolve) => setTimeout(resolve, ms));
      res.end(JSON.stringify({ waited: ms }));
    });
  });
  return {
    handler: app,
    readiness: deps.readiness,
    metrics: deps.metrics,
    start: () => Promise.resolve(),
    stop: () => Promise.resolve(),
  };
}
