import {
  createServiceApp,
  requireAdminToken,
  type Logger,
  type MeshService,
  type Readiness,
} from '@meshlab/common';
import type { Registry } from 'prom-client';
import type { Evaluator } from './evaluator.js';
import { registerControllerMetrics } from './metrics.js';
import { buildStatus } from './status.js';

export { controllerConfigSchema, type ControllerConfig } from './config.js';
export { parseDuration, type Duration } from './duration.js';
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
  adminToken?: string | undefined;
  /** Cron (with seconds) of the evaluations start() schedules; without it only POST /evaluate evaluates. */
  schedule?: string;
}

export interface Controller extends MeshService {
  evaluator: Evaluator;
}

/** The controller: its HTTP API, and the evaluation schedule that start() begins. */
export function createApp(deps: ControllerAppDeps): Controller {
  const { evaluator, schedule } = deps;
  registerControllerMetrics(deps.metrics, evaluator);
  const app = createServiceApp(deps, (app) => {
    app.get('/status', (_req, res) => {
      res.json(buildStatus(deps.evaluator, deps.dryRun));
    });
    app.post('/evaluate', requireAdminToken(deps.adminToken), async (_req, res) => {
      await deps.evaluator.evaluateOnce();
      res.json(buildStatus(deps.evaluator, deps.dryRun));
    });
  });
  return {
    handler: app,
    readiness: deps.readiness,
    metrics: deps.metrics,
    evaluator,
    start: () => Promise.resolve(schedule === undefined ? undefined : evaluator.start(schedule)),
    stop: () => evaluator.stop(),
  };
}
