import {
  createServiceApp,
  fixedConfigStatus,
  requireAdminToken,
  systemClock,
  type ConfigWatchTuning,
  type Logger,
  type MeshService,
  type Readiness,
} from '@meshlab/common';
import type { Registry } from 'prom-client';
import type { Evaluator } from './evaluator.js';
import { registerControllerMetrics } from './metrics.js';
import { watchPolicy } from './policy-reload.js';
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
  adminToken?: string | undefined;
  /** Cron (with seconds) of the evaluations start() schedules; without it only POST /evaluate evaluates. */
  schedule?: string;
  /** policy.yaml, reloaded when it changes (start() watches, stop() ends the watch). */
  policyFile?: string | undefined;
  policyWatch?: ConfigWatchTuning;
}

export interface Controller extends MeshService {
  evaluator: Evaluator;
  /** Reads policyFile now and applies it if it changed and is valid. */
  reloadPolicy(): Promise<unknown>;
}

/** The controller: its HTTP API, the policy file watch and the evaluation schedule that start() begins. */
export function createApp(deps: ControllerAppDeps): Controller {
  const { evaluator, schedule, logger, metrics, policyFile: file } = deps;
  registerControllerMetrics(metrics, evaluator);
  const policy = file
    ? watchPolicy({ file, engine: evaluator.engine, logger, metrics, tuning: deps.policyWatch })
    : undefined;
  const loadedAt = systemClock.now();
  const status = () => ({
    ...buildStatus(evaluator, deps.dryRun),
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
  return {
    handler: app,
    readiness: deps.readiness,
    metrics,
    evaluator,
    reloadPolicy: () =>
      policy ? policy.check() : Promise.reject(new Error('reloadPolicy: no policyFile given')),
    async start() {
      await policy?.start();
      if (schedule !== undefined) evaluator.start(schedule);
    },
    async stop() {
      await evaluator.stop();
      await policy?.close();
    },
  };
}
