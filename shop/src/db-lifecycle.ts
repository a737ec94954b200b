import type { Logger, Readiness } from '@meshlab/common';
import type { Registry } from 'prom-client';
import type { ShopConfig } from './config.js';
import { createDb, createPool, type Db } from './db/db.js';
import { createDbMetrics } from './db/db-metrics.js';
import { createDbProbe } from './db/db-probe.js';
import { runMigrations } from './db/migrations.js';

/** The pool cart and order keep their state in; undefined for catalog or without DATABASE_URL. */
export function openShopDb(config: ShopConfig, logger: Logger, metrics: Registry): Db | undefined {
  if (config.SHOP_SERVICE === 'catalog') return undefined;
  if (config.DATABASE_URL === undefined) {
    logger.warn({}, 'no DATABASE_URL: state is kept in memory');
    return undefined;
  }
  const pool = createPool({
    url: config.DATABASE_URL,
    poolMax: config.DB_POOL_MAX,
    connectTimeoutMs: config.DB_CONNECT_TIMEOUT_MS,
    statementTimeoutMs: config.DB_STATEMENT_TIMEOUT_MS,
    applicationName: `meshlab-${config.SHOP_SERVICE}`,
  });
  return createDb(pool, { logger, metrics: createDbMetrics(metrics, config.SHOP_SERVICE, pool) });
}

export interface DbLifecycleDeps {
  db: Db;
  readiness: Readiness;
  logger: Logger;
  /** Between two readiness pings, and between two migration attempts. */
  probeMs: number;
}

export interface DbLifecycle {
  /** Migrates (retrying until the database answers), then follows it in readiness. */
  start: () => Promise<void>;
  /** Gives up a migration still retrying, stops the probe, closes the pool. */
  stop: () => Promise<void>;
}

/**
 * The database part of a shop service's start and stop. A database that is not up yet delays
 * readiness; it does not crash-loop the process.
 */
export function dbLifecycle({ db, readiness, logger, probeMs }: DbLifecycleDeps): DbLifecycle {
  const stopping = new AbortController();
  let probe: NodeJS.Timeout | undefined;
  let closed: Promise<void> | undefined;
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      stopping.signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
    });
  const migrate = async () => {
    while (!stopping.signal.aborted) {
      try {
        const applied = await runMigrations(db);
        logger.info({ applied }, 'database schema up to date');
        return;
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        logger.warn({ reason }, 'migrations failed; retrying');
        await pause(probeMs);
      }
    }
  };
  return {
    async start() {
      await migrate();
      if (stopping.signal.aborted) return;
      const check = createDbProbe({ ping: () => db.query('ping', 'SELECT 1'), readiness, logger });
      probe = setInterval(() => void check(), probeMs);
    },
    async stop() {
      stopping.abort();
      clearInterval(probe);
      // pg's Pool.end() throws when called twice; stop() must be idempotent.
      closed ??= db.close();
      await closed;
    },
  };
}
