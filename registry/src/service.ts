import { defineService, loadDeploymentConfig } from '@meshlab/common';
import { createApp } from './app.js';
import { registryConfigSchema } from './config.js';

/** The registry's process: MESH_CONFIG's services, health-checked on HEALTH_CHECK_SCHEDULE. */
export const registry = defineService({
  name: 'registry',
  schema: registryConfigSchema,
  create: (config, ctx) => {
    if (!config.REGISTRY_TOKEN)
      ctx.logger.warn('REGISTRY_TOKEN is not set: any caller may register instances');
    const service = createApp({
      ...ctx,
      deployment: loadDeploymentConfig(config.MESH_CONFIG),
      adminToken: config.ADMIN_TOKEN,
      registryToken: config.REGISTRY_TOKEN,
      maxInstances: config.MAX_INSTANCES,
      maxInstancesPerService: config.MAX_INSTANCES_PER_SERVICE,
      maxWatchers: config.MAX_WATCHERS,
      ownerLeaseMs: config.OWNER_LEASE_MS,
      concurrency: config.HEALTH_CHECK_CONCURRENCY,
      schedule: config.HEALTH_CHECK_SCHEDULE,
    });
    // Blocking /discovery queries would hold the drain for their whole wait: answer them on SIGTERM.
    ctx.shuttingDown.addEventListener('abort', () => service.watch.close());
    return service;
  },
  describe: (config, service) => ({
    schedule: config.HEALTH_CHECK_SCHEDULE,
    config: config.MESH_CONFIG,
    instances: service.store.list().length,
  }),
});
