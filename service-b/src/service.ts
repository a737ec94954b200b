import { defineService } from '@meshlab/common';
import { createApp } from './app.js';
import { serviceBConfigSchema } from './config.js';
import { FaultState } from './faults.js';

/** service-b's process: faults from its env, registered as SERVICE_NAME with /healthz. */
export const serviceB = defineService({
  name: 'service-b',
  schema: serviceBConfigSchema,
  create: (config, ctx) =>
    createApp({
      ...ctx,
      faults: new FaultState({
        latencyMs: config.LAT_MS,
        jitterMs: config.LAT_JITTER_MS,
        errorRate: config.ERR_RATE,
      }),
      adminToken: config.ADMIN_TOKEN,
    }),
  registration: (config) => ({ name: config.SERVICE_NAME, healthPath: '/healthz' }),
  describe: (config, service) => ({
    instanceId: service.instanceId,
    faults: service.faults.get(),
    registry: config.REGISTRY_URL ?? null,
  }),
});
