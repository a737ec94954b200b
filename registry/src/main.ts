import {
  createLogger,
  createMetricsRegistry,
  installGracefulShutdown,
  listen,
  loadConfig,
  loadDeploymentConfig,
  Readiness,
  runMain,
} from '@meshlab/common';
import { createApp } from './app.js';
import { registryConfigSchema } from './config.js';

runMain('registry', async () => {
  const config = loadConfig(registryConfigSchema);
  const deployment = loadDeploymentConfig(config.MESH_CONFIG);
  const logger = createLogger({ service: 'registry', level: config.LOG_LEVEL });
  const readiness = new Readiness();
  const registry = createApp({
    deployment,
    logger,
    readiness,
    metrics: createMetricsRegistry(),
    adminToken: config.ADMIN_TOKEN,
    registryToken: config.REGISTRY_TOKEN,
    maxInstances: config.MAX_INSTANCES,
    maxInstancesPerService: config.MAX_INSTANCES_PER_SERVICE,
    maxWatchers: config.MAX_WATCHERS,
    ownerLeaseMs: config.OWNER_LEASE_MS,
    concurrency: config.HEALTH_CHECK_CONCURRENCY,
  });
  const { server, port } = await listen(registry.app, config.PORT);
  registry.start(config.HEALTH_CHECK_SCHEDULE);
  installGracefulShutdown({ servers: [server], readiness, logger, hooks: [() => registry.stop()] });
  readiness.markReady();
  if (!config.REGISTRY_TOKEN) logger.warn('REGISTRY_TOKEN is not set: any caller may register instances');
  logger.info(
    { port, schedule: config.HEALTH_CHECK_SCHEDULE, services: Object.keys(deployment.services) },
    'listening',
  );
});
