import { defineService } from '@meshlab/common';
import { createApp } from './app.js';
import { controllerConfigSchema } from './config.js';
import { DockerodeTargets } from './docker-targets.js';
import { Evaluator } from './evaluator.js';
import { loadPolicy } from './policy.js';
import { PrometheusClient } from './prometheus-client.js';
import { RuleEngine } from './rule-engine.js';

/** The controller's process: POLICY_FILE's rules, evaluated on EVALUATION_SCHEDULE against Prometheus and Docker. */
export const controller = defineService({
  name: 'controller',
  schema: controllerConfigSchema,
  create: (config, ctx) => {
    const policy = loadPolicy(config.POLICY_FILE);
    const now = () => ctx.clock.now();
    const evaluator = new Evaluator({
      engine: new RuleEngine(policy.rules, { now, dryRun: config.DRY_RUN }),
      now,
      logger: ctx.logger,
      prometheus: new PrometheusClient({
        url: config.PROMETHEUS_URL,
        timeoutMs: config.PROMETHEUS_TIMEOUT_MS,
      }),
      docker: new DockerodeTargets({
        socketPath: config.DOCKER_SOCKET,
        composeProject: config.COMPOSE_PROJECT,
        restartTimeoutMs: config.RESTART_TIMEOUT_MS,
      }),
    });
    return createApp({
      ...ctx,
      evaluator,
      dryRun: config.DRY_RUN,
      adminToken: config.ADMIN_TOKEN,
      schedule: config.EVALUATION_SCHEDULE,
      policyFile: config.POLICY_FILE,
    });
  },
  describe: (config, service) => ({
    policy: config.POLICY_FILE,
    rules: service.evaluator.engine.rules.map((rule) => rule.name),
    dryRun: config.DRY_RUN,
    schedule: config.EVALUATION_SCHEDULE,
  }),
});
