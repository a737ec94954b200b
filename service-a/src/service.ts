import { defineService } from '@meshlab/common';
import { createApp } from './app.js';
import { serviceAConfigSchema } from './config.js';
import { createLoadGenerator } from './setup.js';

/** service-a's process: the load generator its env describes, running from start until SIGTERM. */
export const serviceA = defineService({
  name: 'service-a',
  schema: serviceAConfigSchema,
  create: (config, ctx) =>
    createApp({ ...ctx, generator: createLoadGenerator(config, ctx), adminToken: config.ADMIN_TOKEN }),
  describe: (config) => ({ scenario: config.SCENARIO, target: config.TARGET_URL }),
});
