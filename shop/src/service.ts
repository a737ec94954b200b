import { defineService } from '@meshlab/common';
import { createApp } from './app.js';
import { shopConfigSchema } from './config.js';
import { openShopDb } from './db-lifecycle.js';

/** A shop process: SHOP_SERVICE picks catalog, cart or order; ready after migrations and registration. */
export const shop = defineService({
  name: 'shop',
  schema: shopConfigSchema,
  logName: (config) => config.SHOP_SERVICE,
  create: (config, ctx) => {
    const db = openShopDb(config, ctx.logger, ctx.metrics);
    return createApp({
      ...ctx,
      service: config.SHOP_SERVICE,
      gatewayUrl: config.GATEWAY_URL,
      upstreamTimeoutMs: config.UPSTREAM_TIMEOUT_MS,
      dbProbeMs: config.DB_PROBE_MS,
      ...(db ? { db } : {}),
    });
  },
  registration: (config) => ({
    name: config.SHOP_SERVICE,
    healthPath: `/${config.SHOP_SERVICE}/health`,
    metadata: { service: config.SHOP_SERVICE },
  }),
  describe: (config) => ({
    gateway: config.GATEWAY_URL,
    registry: config.REGISTRY_URL ?? null,
    db: config.SHOP_SERVICE !== 'catalog' && config.DATABASE_URL !== undefined,
  }),
});
