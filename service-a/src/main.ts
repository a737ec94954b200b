import {
  createLogger,
  createMetricsRegistry,
  installGracefulShutdown,
  listen,
  loadConfig,
  Readiness,
  runMain,
} from '@meshlab/common';
import { createApp } from './app.js';
import { serviceAConfigSchema } from './config.js';
import { createLoadGenerator } from './setup.js';

runMain('service-a', async () => {
  const config = loadConfig(serviceAConfigSchema);
  const logger = createLogger({ service: 'service-a', level: config.LOG_LEVEL });
  const readiness = new Readiness();
  const metrics = createMetricsRegistry();
  const generator = createLoadGenerator(config, { metrics, logger });
  const app = createApp({ logger, metrics, readiness, generator, adminToken: config.ADMIN_TOKEN });
  const { server, port } = await listen(app, config.PORT);
  installGracefulShutdown({ servers: [server], readiness, logger, hooks: [() => generator.stop()] });
  readiness.markReady();
  logger.info({ port, scenario: config.SCENARIO }, 'listening');
  generator.start();
});
