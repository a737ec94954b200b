import express, { type Express } from 'express';
import type { Registry } from 'prom-client';
import { errorHandler, notFoundHandler } from './error-handler.js';
import { assertJsonDepth, maxJsonDepth } from './json-limits.js';
import type { Logger } from './logger.js';
import { probesRouter } from './probes.js';
import type { Readiness } from './readiness.js';

export interface ServiceAppDeps {
  logger: Logger;
  metrics: Registry;
  readiness: Readiness;
  /** JSON body limit, e.g. '100kb'. */
  bodyLimit?: string;
  /** Deepest object/array nesting a JSON body may have (400 json_too_deep beyond). */
  maxJsonDepth?: number;
}

/**
 * An express app with probes, metrics and a JSON body parser. Add routes with `register`,
 * the 404 and the central error handler are appended after it.
 */
export function createServiceApp(deps: ServiceAppDeps, register: (app: Express) => void): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(probesRouter(deps));
  const depthLimit = deps.maxJsonDepth ?? maxJsonDepth;
  app.use(
    express.json({
      limit: deps.bodyLimit ?? '100kb',
      verify: (_req, _res, body) => assertJsonDepth(body, depthLimit),
    }),
  );
  register(app);
  app.use(notFoundHandler());
  app.use(errorHandler(deps.logger));
  return app;
}
