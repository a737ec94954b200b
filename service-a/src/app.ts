import type { Registry } from 'prom-client';
import { z } from 'zod';
import {
  createServiceApp,
  requireAdminToken,
  validate,
  type Logger,
  type MeshService,
  type Readiness,
} from '@meshlab/common';
import { MAX_RPS } from './config.js';
import type { LoadGenerator } from './load-generator.js';

export { serviceAConfigSchema, MAX_RPS, type ServiceAConfig } from './config.js';
export { createLoadGenerator, type LoadConfig } from './setup.js';
export { LoadGenerator, type LoadStatus, type LoadGeneratorOptions } from './load-generator.js';
export { OpenModelScheduler, type SchedulerOptions } from './scheduler.js';
export { RollingStats, type Quantiles } from './rolling-stats.js';
export { createHttpClient, type HttpClient, type Outcome, type ErrorReason } from './http-client.js';
export { targetScenario, shopScenario, type Scenario, type Step } from './scenario.js';
export { systemTimer, dateTimer, type Timer } from './timer.js';

export interface ServiceADeps {
  logger: Logger;
  /** The registry the generator's metrics were created in. */
  metrics: Registry;
  readiness: Readiness;
  generator: LoadGenerator;
  adminToken?: string | undefined;
}

const loadSchema = z.strictObject({
  rps: z
    .number({ error: `expected a number of requests per second in 0..${MAX_RPS}` })
    .min(0, `expected a number of requests per second in 0..${MAX_RPS}`)
    .max(MAX_RPS, `expected a number of requests per second in 0..${MAX_RPS}`),
});

export interface ServiceA extends MeshService {
  generator: LoadGenerator;
}

/** service-a: GET /status and PUT /load over the load generator, which start() sets going. */
export function createApp(deps: ServiceADeps): ServiceA {
  const { generator } = deps;
  const app = createServiceApp(deps, (app) => {
    app.get('/status', (_req, res) => {
      res.json(generator.status());
    });
    app.put('/load', requireAdminToken(deps.adminToken), (req, res) => {
      const { rps } = validate(loadSchema, req.body, 'body');
      generator.setRate(rps);
      res.json(generator.status());
    });
  });
  return {
    handler: app,
    readiness: deps.readiness,
    metrics: deps.metrics,
    generator,
    start: () => Promise.resolve(generator.start()),
    stop: () => generator.stop(),
  };
}
