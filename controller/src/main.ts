import {
  createLogger,
  createMetricsRegistry,
  installGracefulShutdown,
  listen,
  loadConfig,
  Readiness,
  runMain,
  systemClock,
} from '@meshlab/common';
import { createApp } from './app.js';
import { controllerConfigSchema } from './config.js';
import { DockerodeTargets } from './docker-targets.js';
import { Evaluator } from './evaluator.js';
import { loadPolicy } from './policy.js';
import { PrometheusClient } from './prometheus-client.js';
import { RuleEngine } from './rule-engine.js';

runMain('controller', async () => {
  const config = loadConfig(controllerConfigSchema);
  const policy = loadPolicy(config.POLICY_FILE);
  const logger = createLogger({ service: 'controller', level: config.LOG_LEVEL });
  const now = () => systemClock.now();
  const engine = new RuleEngine(policy.rules, { now, dryRun: config.DRY_RUN });
  const evaluator = new Evaluator({
    engine,
    now,
    logger,
    prometheus: new PrometheusClient({ url: config.PROMETHEUS_URL, timeoutMs: config.PROMETHEUS_TIMEOUT_MS }),
    docker: new DockerodeTargets({
      socketPath: config.DOCKER_SOCKET,
      composeProject: config.COMPOSE_PROJECT,
      restartTimeoutMs: config.RESTART_TIMEOUT_MS,
    }),
  });
  const readiness = new Readiness();
  const app = createApp({
    logger,
    metrics: createMetricsRegistry(),
    readiness,
    evaluator,
    policyFile: config.POLICY_FILE,
    dryRun: config.DRY_RUN,
    adminToken: config.ADMIN_TOKEN,
  });
  const { server, port } = await listen(app, config.PORT);
  installGracefulShutdown({
    servers: [server],
    readiness,
    logger,
    hooks: [() => evaluator.stop(), () => app.stop()],
  });
  await app.start();
  evaluator.start(config.EVALUATION_SCHEDULE);
  readiness.markReady();
  logger.info(
    {
      port,
      policy: config.POLICY_FILE,
      rules: policy.rules.map((r) => r.name),
      dryRun: config.DRY_RUN,
      schedule: config.EVALUATION_SCHEDULE,
    },
    'listening',
  );
});
