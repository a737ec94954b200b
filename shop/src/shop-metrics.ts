import { latencyBuckets } from '@meshlab/common';
import type { RequestHandler } from 'express';
import { Counter, Histogram, type Registry } from 'prom-client';
import type { ShopService } from './config.js';

export interface ShopMetrics {
  /** Counts and times every request that reached the shop routes, labelled by route pattern. */
  middleware: RequestHandler;
  upstreamCalls: Counter<'service' | 'target' | 'outcome'>;
  ordersCreated: Counter<'service'>;
}

export function createShopMetrics(registry: Registry, service: ShopService): ShopMetrics {
  const requests = new Counter({
    name: 'shop_requests_total',
    help: 'Requests answered by a shop service, by route pattern and status code',
    labelNames: ['service', 'route', 'code'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'shop_request_duration_seconds',
    help: 'Time a shop service took to answer, by route pattern',
    labelNames: ['service', 'route'] as const,
    buckets: [...latencyBuckets],
    registers: [registry],
  });
  const upstreamCalls = new Counter({
    name: 'shop_upstream_calls_total',
    help: 'Calls a shop service made through the gateway, by target service and outcome',
    labelNames: ['service', 'target', 'outcome'] as const,
    registers: [registry],
  });
  const ordersCreated = new Counter({
    name: 'shop_orders_created_total',
    help: 'Orders created (idempotent replays are not counted)',
    labelNames: ['service'] as const,
    registers: [registry],
  });
  const middleware: RequestHandler = (req, res, next) => {
    const stop = duration.startTimer();
    res.on('finish', () => {
      // The route pattern, not the path: user and order ids must not become label values.
      const pattern = (req.route as { path?: unknown } | undefined)?.path;
      const route = typeof pattern === 'string' ? pattern : 'unmatched';
      requests.inc({ service, route, code: String(res.statusCode) });
      stop({ service, route });
    });
    next();
  };
  return { middleware, upstreamCalls, ordersCreated };
}
