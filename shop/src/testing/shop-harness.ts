import type { Server } from 'node:http';
import { closeServer, createMetricsRegistry, listen, Readiness, silentLogger } from '@meshlab/common';
import type { Registry } from 'prom-client';
import { createApp, type ShopAppDeps } from '../app.js';
import { InMemoryCartStore } from '../cart/cart-store.js';
import type { ShopService } from '../config.js';
import { InMemoryIdempotencyStore } from '../order/idempotency-store.js';
import { InMemoryOrderStore } from '../order/order-store.js';

export interface RunningShopService {
  service: ShopService;
  url: string;
  server: Server;
  metrics: Registry;
  readiness: Readiness;
  stop(): Promise<void>;
}

export type ShopServiceOptions = Partial<
  Omit<ShopAppDeps, 'service' | 'gatewayUrl' | 'logger' | 'metrics' | 'readiness'>
>;

/** Starts one shop service on 127.0.0.1, port 0, ready. */
export async function startShopService(
  service: ShopService,
  gatewayUrl: string,
  options: ShopServiceOptions = {},
): Promise<RunningShopService> {
  const metrics = createMetricsRegistry();
  const readiness = new Readiness();
  const app = createApp({ service, gatewayUrl, logger: silentLogger(), metrics, readiness, ...options });
  const { server, url } = await listen(app.handler, 0, '127.0.0.1');
  readiness.markReady();
  return { service, url, server, metrics, readiness, stop: () => closeServer(server, 1000).then(() => {}) };
}

export interface ShopStack {
  catalog: RunningShopService;
  cart: RunningShopService;
  order: RunningShopService;
  stores: { cart: InMemoryCartStore; orders: InMemoryOrderStore; idempotency: InMemoryIdempotencyStore };
  close(): Promise<void>;
}

/** The three services, calling each other through `gatewayUrl`. */
export async function startShopStack(
  gatewayUrl: string,
  options: { upstreamTimeoutMs?: number; newOrderId?: () => string; now?: () => number } = {},
): Promise<ShopStack> {
  const now = options.now ?? Date.now;
  const stores = {
    cart: new InMemoryCartStore(now),
    orders: new InMemoryOrderStore(),
    idempotency: new InMemoryIdempotencyStore({ now }),
  };
  const shared = { ...options, stores };
  const [catalog, cart, order] = await Promise.all([
    startShopService('catalog', gatewayUrl, shared),
    startShopService('cart', gatewayUrl, shared),
    startShopService('order', gatewayUrl, shared),
  ]);
  return {
    catalog,
    cart,
    order,
    stores,
    close: async () => {
      await Promise.all([catalog.stop(), cart.stop(), order.stop()]);
    },
  };
}
