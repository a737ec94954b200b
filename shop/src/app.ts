import { randomUUID } from 'node:crypto';
import { createServiceApp, type Logger, type MeshService, type Readiness } from '@meshlab/common';
import type { Registry } from 'prom-client';
import { InMemoryCartStore, type CartStore } from './cart/cart-store.js';
import { registerCheckoutRoutes } from './cart/checkout-routes.js';
import { registerCartRoutes } from './cart/cart-routes.js';
import { registerCatalogRoutes } from './catalog/catalog-routes.js';
import { products as defaultProducts, type Product } from './catalog/products.js';
import type { ShopService } from './config.js';
import { createGatewayClient } from './gateway-client.js';
import { registerHealthRoute } from './health.js';
import { InMemoryIdempotencyStore, type IdempotencyStore } from './order/idempotency-store.js';
import { registerOrderRoutes } from './order/order-routes.js';
import { OrderService } from './order/order-service.js';
import { InMemoryOrderStore, type OrderStore } from './order/order-store.js';
import { createShopMetrics } from './shop-metrics.js';
import { PgCartStore } from './cart/pg-cart-store.js';
import type { Db } from './db/db.js';
import { dbLifecycle } from './db-lifecycle.js';
import { PgOrderStore } from './order/pg-order-store.js';

export { defaultPorts, shopConfigSchema, shopServices, type ShopConfig, type ShopService } from './config.js';
export { products, type Product } from './catalog/products.js';
export { InMemoryCartStore, type CartItem, type CartStore } from './cart/cart-store.js';
export { InMemoryOrderStore, type OrderStore } from './order/order-store.js';
export { InMemoryIdempotencyStore, type IdempotencyStore } from './order/idempotency-store.js';
export type { Order, OrderItem } from './order/order.js';
export { createDb, createPool, type Db, type DbOptions } from './db/db.js';
export { createDbMetrics } from './db/db-metrics.js';
export { runMigrations, shopMigrations } from './db/migrations.js';
export { PgCartStore } from './cart/pg-cart-store.js';
export { PgOrderStore } from './order/pg-order-store.js';

export interface ShopStores {
  cart?: CartStore;
  orders?: OrderStore;
  idempotency?: IdempotencyStore;
}

export interface ShopAppDeps {
  service: ShopService;
  /** Where cart and order call the other services (e.g. http://gateway:8080). */
  gatewayUrl: string;
  logger: Logger;
  metrics: Registry;
  readiness: Readiness;
  instanceId?: string;
  /** Timeout of one call through the gateway (default 3000 ms). */
  upstreamTimeoutMs?: number;
  /** cart and order keep their state here (PostgreSQL); without it, in memory. start() migrates it. */
  db?: Db;
  /** Between two database readiness pings and migration attempts (default 2000 ms). */
  dbProbeMs?: number;
  /** Overrides the stores (tests); in-memory ones when neither this nor db is given. */
  stores?: ShopStores;
  catalog?: readonly Product[];
  now?: () => number;
  newOrderId?: () => string;
  fetch?: typeof fetch;
}

export interface ShopApp extends MeshService {
  service: ShopService;
}

/**
 * One of the three shop services, chosen by `service`; no listening, no timers. With a db,
 * start() runs the migrations (until the database answers) and starts the readiness probe.
 */
export function createApp(deps: ShopAppDeps): ShopApp {
  const { service } = deps;
  const shopMetrics = createShopMetrics(deps.metrics, service);
  const gateway = createGatewayClient({
    baseUrl: deps.gatewayUrl,
    timeoutMs: deps.upstreamTimeoutMs ?? 3000,
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
    onCall: (target, outcome) => shopMetrics.upstreamCalls.inc({ service, target, outcome }),
  });
  const now = deps.now ?? Date.now;

  const app = createServiceApp(deps, (app) => {
    app.use(shopMetrics.middleware);
    registerHealthRoute(app, deps);
    if (service === 'catalog') {
      registerCatalogRoutes(app, deps.catalog ?? defaultProducts);
    } else if (service === 'cart') {
      const store =
        deps.stores?.cart ?? (deps.db ? new PgCartStore(deps.db, now) : new InMemoryCartStore(now));
      registerCartRoutes(app, { store, gateway });
      registerCheckoutRoutes(app, { store });
    } else {
      const pg = deps.db ? new PgOrderStore(deps.db) : undefined;
      const orders = deps.stores?.orders ?? pg ?? new InMemoryOrderStore();
      const orderService = new OrderService({
        gateway,
        orders,
        idempotency: deps.stores?.idempotency ?? pg ?? new InMemoryIdempotencyStore({ now }),
        logger: deps.logger,
        now,
        newId: deps.newOrderId ?? (() => `ord_${randomUUID()}`),
        onCreated: () => shopMetrics.ordersCreated.inc({ service }),
      });
      registerOrderRoutes(app, { service: orderService, orders });
    }
  });
  const db = deps.db
    ? dbLifecycle({
        db: deps.db,
        readiness: deps.readiness,
        logger: deps.logger,
        probeMs: deps.dbProbeMs ?? 2000,
      })
    : undefined;
  return {
    handler: app,
    readiness: deps.readiness,
    metrics: deps.metrics,
    service,
    start: async () => db?.start(),
    stop: async () => db?.stop(),
  };
}
