import {
  createLogger,
  createMetricsRegistry,
  installGracefulShutdown,
  listen,
  loadConfig,
  loadDeploymentConfig,
  runMain,
} from '@meshlab/common';
import { createApp } from './app.js';
import { registryConfigSchema } from './config.js';

runMain('registry', async () => {
  const config = loadConfig(registryConfigSchema);
  const deployment = loadDeploymentConfig(config.MESH_CONFIG);
  const logger = createLogger({ service: 'registry', level: config.LOG_LEVEL });
  const registry = createApp({
    deployment,
    logger,
    metrics: createMetricsRegistry(),
    adminToken: config.ADMIN_TOKEN,
    registryToken: config.REGISTRY_TOKEN,
    maxInstances: config.MAX_INSTANCES,
    maxInstancesPerService: config.MAX_INSTANCES_PER_SERVICE,
    maxWatchers: config.MAX_WATCHERS,
    ownerLeaseMs: config.OWNER_LEASE_MS,
    concurrency: config.HEALTH_CHECK_CONCURRENCY,
    schedule: config.HEALTH_CHECK_SCHEDULE,
  });
  const { server, port } = await listen(registry.handler, config.PORT);
  await registry.start();
  installGracefulShutdown({
    servers: [server],
    readiness: registry.readiness,
    logger,
    hooks: [() => registry.stop()],
  });
  registry.readiness.markReady();
  if (!config.REGISTRY_TOKEN) logger.warn('REGISTRY_TOKEN is not set: any caller may register instances');
  logger.info(
    { port, schedule: config.HEALTH_CHECK_SCHEDULE, services: Object.keys(deployment.services) },
    'listening',
  );
});
