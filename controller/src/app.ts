import { createServiceApp, requireAdminToken, type Logger, type Readiness } from '@meshlab/common';
import type { Registry } from 'prom-client';
import type { Evaluator } from './evaluator.js';
import { registerControllerMetrics } from './metrics.js';
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
}

/** The controller's HTTP API. Does not start the evaluation schedule: main does. */
export function createApp(deps: ControllerAppDeps) {
  registerControllerMetrics(deps.metrics, deps.evaluator);
  return createServiceApp(deps, (app) => {
    app.get('/status', (_req, res) => {
      res.json(buildStatus(deps.evaluator, deps.dryRun));
    });
    app.post('/evaluate', requireAdminToken(deps.adminToken), async (_req, res) => {
      await deps.evaluator.evaluateOnce();
      res.json(buildStatus(deps.evaluator, deps.dryRun));
    });
  });
}
