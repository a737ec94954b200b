import { hostname, networkInterfaces } from 'node:os';
import { defineService, loadDeploymentConfig } from '@meshlab/common';
import { createApp } from './app.js';
import { gatewayEnvSchema } from './config.js';

/** The gateway's process: MESH_CONFIG's routes, endpoints discovered from REGISTRY_URL when set. */
export const gateway = defineService({
  name: 'gateway',
  schema: gatewayEnvSchema,
  metricsLabels: () => ({ service: 'gateway' }),
  create: (config, ctx) =>
    createApp({
      ...ctx,
      deployment: loadDeploymentConfig(config.MESH_CONFIG),
      configFile: config.MESH_CONFIG,
      registryUrl: config.REGISTRY_URL,
      adminToken: config.ADMIN_TOKEN,
      maxBodyBytes: config.MAX_BODY_BYTES,
      maxHops: config.GATEWAY_MAX_HOPS,
      self: { port: config.PORT, hosts: ownHosts(config.GATEWAY_SELF_HOSTS) },
    }),
  describe: (config, service) => ({
    registry: config.REGISTRY_URL ?? null,
    services: [...service.services.keys()],
  }),
});

/** The configured names, the hostname and every interface address: what reaches this process. */
function ownHosts(configured: readonly string[]): string[] {
  const addresses = Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((a) => a.address));
  return [...configured, hostname(), ...addresses];
}
