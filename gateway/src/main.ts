import { hostname, networkInterfaces } from 'node:os';
import {
  createLogger,
  installGracefulShutdown,
  listen,
  loadDeploymentConfig,
  runMain,
} from '@meshlab/common';
import { createApp } from './app.js';
import { loadGatewayConfig } from './config.js';

runMain('gateway', async () => {
  const config = loadGatewayConfig();
  const deployment = loadDeploymentConfig(config.MESH_CONFIG);
  const logger = createLogger({ service: 'gateway', level: config.LOG_LEVEL });
  const gateway = createApp({
    deployment,
    configFile: config.MESH_CONFIG,
    registryUrl: config.REGISTRY_URL,
    logger,
    adminToken: config.ADMIN_TOKEN,
    maxBodyBytes: config.MAX_BODY_BYTES,
    maxHops: config.GATEWAY_MAX_HOPS,
    self: { port: config.PORT, hosts: ownHosts(config.GATEWAY_SELF_HOSTS) },
  });
  const { server, port } = await listen(gateway.handler, config.PORT);
  installGracefulShutdown({
    servers: [server],
    readiness: gateway.readiness,
    logger,
    hooks: [() => gateway.stop()],
  });
  logger.info(
    { port, registry: config.REGISTRY_URL ?? null, services: Object.keys(deployment.services) },
    'listening',
  );
  await gateway.start();
});

/** The configured names, the hostname and every interface address: what reaches this process. */
function ownHosts(configured: readonly string[]): string[] {
  const addresses = Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((a) => a.address));
  return [...configured, hostname(), ...addresses];
}
