import {
  createServiceApp,
  fixedConfigStatus,
  requireAdminToken,
  systemClock,
  type Logger,
  type Readiness,
} from '@meshlab/common';
import type { Registry } from 'prom-client';
import type { Evaluator } from './evaluator.js';
import { registerControllerMetrics } from './metrics.js';
import { watchPolicy, type PolicyWatchOptions } from './policy-reload.js';
import { buildStatus } from './status.js';

export { controllerConfigSchema, type ControllerConfig } from './config.js';
export { loadPolicy, parsePolicy, policySchema, type Policy, type Rule } from './policy.js';
export { RuleEngine, type RuleEngineOptions } from './rule-engine.js';
export type * from './rule-types.js';
export { Evaluator, type EvaluatorDeps } from './evaluator.js';
export {
  PrometheusClient,
  PrometheusError,
  type MetricsSource,
  type PromSample,
} from './prometheus-client.js';
export {
  DockerodeTargets,
  RestartRefusedError,
  type DockerTargets,
  type ManagedContainer,
  type RestartResult,
} from './docker-targets.js';
export type { ActionRecord, ActionOutcome } from './remediation.js';
export type { ControllerStatus, RuleStatus } from './status.js';

export interface ControllerAppDeps {
  logger: Logger;
  metrics: Registry;
  readiness: Readiness;
  evaluator: Evaluator;
  dryRun: boolean;
  adminToken?: string;
  /** policy.yaml, reloaded when it changes (start() watches, stop() ends the watch). */
  policyFile?: string | undefined;
  policyWatch?: PolicyWatchOptions['tuning'];
}

/** The controller's HTTP API. Does not start the evaluation schedule: main does. */
export function createApp(deps: ControllerAppDeps) {
  registerControllerMetrics(deps.metrics, deps.evaluator);
  const { logger, metrics, policyFile: file } = deps;
  const policy = file
    ? watchPolicy({ file, engine: deps.evaluator.engine, logger, metrics, tuning: deps.policyWatch })
    : undefined;
  const loadedAt = systemClock.now();
  const status = () => ({
    ...buildStatus(deps.evaluator, deps.dryRun),
    config: policy?.status() ?? fixedConfigStatus(loadedAt),
  });
  const app = createServiceApp(deps, (app) => {
    app.get('/status', (_req, res) => {
      res.json(status());
    });
    app.post('/evaluate', requireAdminToken(deps.adminToken), async (_req, res) => {
      await deps.evaluator.evaluateOnce();
      res.json(status());
    });
  });
  return Object.assign(app, {
    reloadPolicy: () =>
      policy ? policy.check() : Promise.reject(new Error('reloadPolicy: no policyFile given')),
    start: async () => policy?.start(),
    stop: async () => policy?.close(),
  });
}
