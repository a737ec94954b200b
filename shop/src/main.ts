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
import { shopConfigSchema } from './config.js';

runMain('shop', async () => {
  const config = loadConfig(shopConfigSchema);
  const service = config.SHOP_SERVICE;
  const logger = createLogger({ service, level: config.LOG_LEVEL });
  const readiness = new Readiness();
  const instanceId = config.INSTANCE_ID ?? hostname();
  const app = createApp({
    service,
    gatewayUrl: config.GATEWAY_URL,
    logger,
    metrics: createMetricsRegistry(),
    readiness,
    instanceId,
    upstreamTimeoutMs: config.UPSTREAM_TIMEOUT_MS,
  });
  const { server, port } = await listen(app, config.PORT);
  const registry = selfRegistration({
    registryUrl: config.REGISTRY_URL,
    name: service,
    id: instanceId,
    port,
    advertiseUrl: config.ADVERTISE_URL,
    registryToken: config.REGISTRY_TOKEN,
    healthPath: `/${service}/health`,
    metadata: { service },
    logger,
    heartbeatMs: config.HEARTBEAT_MS,
  });
  installGracefulShutdown({
    servers: [server],
    readiness,
    logger,
    hooks: registry ? [() => registry.stop()] : [],
  });
  readiness.markReady();
  await registry?.start();
  logger.info({ port, gateway: config.GATEWAY_URL, registry: config.REGISTRY_URL ?? null }, 'listening');
});
