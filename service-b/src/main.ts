import { hostname } from 'node:os';
import {
  createLogger,
  createMetricsRegistry,
  installGracefulShutdown,
  listen,
  loadConfig,
  Readiness,
  runMain,
  selfRegistration,
} from '@meshlab/common';
import { createApp } from './app.js';
import { serviceBConfigSchema } from './config.js';
import { FaultState } from './faults.js';

runMain('service-b', async () => {
  const config = loadConfig(serviceBConfigSchema);
  const logger = createLogger({ service: 'service-b', level: config.LOG_LEVEL });
  const instanceId = config.INSTANCE_ID ?? hostname();
  const readiness = new Readiness();
  const faults = new FaultState({
    latencyMs: config.LAT_MS,
    jitterMs: config.LAT_JITTER_MS,
    errorRate: config.ERR_RATE,
  });
  const app = createApp({
    logger,
    metrics: createMetricsRegistry(),
    readiness,
    faults,
    instanceId,
    adminToken: config.ADMIN_TOKEN,
  });
  const { server, port } = await listen(app, config.PORT);
  const registry = selfRegistration({
    registryUrl: config.REGISTRY_URL,
    name: config.SERVICE_NAME,
    id: instanceId,
    port,
    advertiseUrl: config.ADVERTISE_URL,
    registryToken: config.REGISTRY_TOKEN,
    healthPath: '/healthz',
    logger,
    heartbeatMs: config.HEARTBEAT_MS,
  });
  await registry?.start();
  const hooks = registry ? [() => registry.stop()] : [];
  installGracefulShutdown({ servers: [server], readiness, logger, hooks });
  readiness.markReady();
  logger.info({ port, instanceId, faults: faults.get(), registry: config.REGISTRY_URL }, 'listening');
});
