import { setTimeout as sleep } from 'node:timers/promises';
import type { Registry } from 'prom-client';
import {
  createServiceApp,
  requireAdminToken,
  validate,
  type Logger,
  type MeshService,
  type Readiness,
} from '@meshlab/common';
import { FaultState, faultsPatchSchema } from './faults.js';
import { createServiceBMetrics } from './metrics.js';

export { serviceBConfigSchema, type ServiceBConfig } from './config.js';
export {
  FaultState,
  faultsPatchSchema,
  MAX_LATENCY_MS,
  type Faults,
  type FaultsPatch,
  type FaultDecision,
} from './faults.js';

export interface ServiceBDeps {
  logger: Logger;
  metrics: Registry;
  readiness: Readiness;
  faults: FaultState;
  /** Sent as X-Replica-ID on every /work answer. */
  instanceId: string;
  adminToken?: string | undefined;
  /** The injected latency's wait and the clock it is measured with (tests pass fakes). */
  sleep?: (ms: number) => Promise<unknown>;
  now?: () => number;
}

export interface ServiceB extends MeshService {
  faults: FaultState;
  instanceId: string;
}

/** service-b: GET /work with injected latency and errors, GET/PUT /faults to change them live. */
export function createApp(deps: ServiceBDeps): ServiceB {
  const { faults, logger, instanceId } = deps;
  const { sleep: wait = sleep, now = () => performance.now() } = deps;
  const metrics = createServiceBMetrics(deps.metrics, faults);
  const app = createServiceApp(deps, (app) => {
    app.get('/work', async (_req, res) => {
      const started = now();
      const { delayMs, fail } = faults.decide();
      // A timer, never a busy wait: hundreds of slow requests share one event loop.
      if (delayMs > 0) await wait(delayMs);
      const code = fail ? 500 : 200;
      res.set('X-Replica-ID', instanceId);
      res.status(code).json({ result: fail ? 'error' : 'ok' });
      metrics.record(fail, (now() - started) / 1000);
    });
    app.get('/faults', (_req, res) => {
      res.json(faults.get());
    });
    app.put('/faults', requireAdminToken(deps.adminToken), (req, res) => {
      const patch = validate(faultsPatchSchema, req.body, 'body');
      const updated = faults.update(patch);
      logger.info({ faults: updated }, 'faults changed');
      res.json(updated);
    });
  });
  return {
    handler: app,
    readiness: deps.readiness,
    metrics: deps.metrics,
    faults,
    instanceId,
    // Nothing runs in the background: every request decides its own faults.
    start: () => Promise.resolve(),
    stop: () => Promise.resolve(),
  };
}
