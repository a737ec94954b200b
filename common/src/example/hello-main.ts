import { loadConfig } from '../config.js';
import { createLogger } from '../logger.js';
import { createMetricsRegistry } from '../metrics.js';
import { Readiness } from '../readiness.js';
import { runMain } from '../run-main.js';
import { listen } from '../server.js';
import { installGracefulShutdown } from '../shutdown.js';
import { createHelloApp, helloConfigSchema } from './hello-app.js';

runMain('hello', async () => {
  const config = loadConfig(helloConfigSchema);
  const logger = createLogger({ service: 'hello', level: config.LOG_LEVEL });
  const readiness = new Readiness();
  const app = createHelloApp({ logger, metrics: createMetricsRegistry(), readiness });
  const { server, port } = await listen(app, config.PORT);
  installGracefulShutdown({ servers: [server], readiness, logger });
  readiness.markReady();
  logger.info({ port }, 'listening');
});
