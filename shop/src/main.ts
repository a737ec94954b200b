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
  type Logger,
} from '@meshlab/common';
import type { Registry } from 'prom-client';
import { createApp } from './app.js';
import { shopConfigSchema, type ShopConfig } from './config.js';
import { createDb, createPool, type Db } from './db/db.js';
import { createDbMetrics } from './db/db-metrics.js';
import { createDbProbe } from './db/db-probe.js';
import { runMigrations } from './db/migrations.js';

function openDb(config: ShopConfig, logger: Logger, metrics: Registry): Db | undefined {
  if (config.SHOP_SERVICE === 'catalog' || config.DATABASE_URL === undefined) return undefined;
  const pool = createPool({
    url: config.DATABASE_URL,
    poolMax: config.DB_POOL_MAX,
    connectTimeoutMs: config.DB_CONNECT_TIMEOUT_MS,
    statementTimeoutMs: config.DB_STATEMENT_TIMEOUT_MS,
    applicationName: `meshlab-${config.SHOP_SERVICE}`,
  });
  return createDb(pool, { logger, metrics: createDbMetrics(metrics, config.SHOP_SERVICE, pool) });
}

/** Migrations until they succeed: a database that is not up yet delays readiness, it does not crash-loop us. */
async function migrateUntilDone(db: Db, logger: Logger, retryMs: number): Promise<void> {
  for (;;) {
    try {
      const applied = await runMigrations(db);
      logger.info({ applied }, 'database schema up to date');
      return;
    } catch (error) {
      logger.warn(
        { reason: error instanceof Error ? error.message : String(error) },
        'migrations failed; retrying',
      );
      await new Promise((resolve) => setTimeout(resolve, retryMs));
    }
  }
}

runMain('shop', async () => {
  const config = loadConfig(shopConfigSchema);
  const service = config.SHOP_SERVICE;
  const logger = createLogger({ service, level: config.LOG_LEVEL });
  const readiness = new Readiness();
  const instanceId = config.INSTANCE_ID ?? hostname();
  const metrics = createMetricsRegistry();
  const db = openDb(config, logger, metrics);
  if (service !== 'catalog' && db === undefined) logger.warn({}, 'no DATABASE_URL: state is kept in memory');
  const app = createApp({
    service,
    gatewayUrl: config.GATEWAY_URL,
    logger,
    metrics,
    readiness,
    instanceId,
    upstreamTimeoutMs: config.UPSTREAM_TIMEOUT_MS,
    ...(db ? { db } : {}),
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
  let probe: NodeJS.Timeout | undefined;
  installGracefulShutdown({
    servers: [server],
    readiness,
    logger,
    hooks: [() => clearInterval(probe), ...(registry ? [() => registry.stop()] : [])],
  });
  if (db) {
    await migrateUntilDone(db, logger, config.DB_PROBE_MS);
    const check = createDbProbe({ ping: () => db.query('ping', 'SELECT 1'), readiness, logger });
    probe = setInterval(() => void check(), config.DB_PROBE_MS);
  }
  if (readiness.reason === 'starting') readiness.markReady();
  await registry?.start();
  logger.info(
    { port, gateway: config.GATEWAY_URL, registry: config.REGISTRY_URL ?? null, db: !!db },
    'listening',
  );
});
