import {
  Readiness,
  closeServer,
  createMetricsRegistry,
  deploymentSchema,
  listen,
  silentLogger,
  type RunningServer,
} from '@meshlab/common';
import { createApp as createGateway, type Gateway } from '@meshlab/gateway';
import { createApp as createRegistry, type RegistryApp } from '@meshlab/registry';
import { createApp as createServiceA, createLoadGenerator, type LoadGenerator } from '@meshlab/service-a';
import { createApp as createServiceB, FaultState } from '@meshlab/service-b';
import { createApp as createShop, type ShopService } from '@meshlab/shop';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { badBody, contentType } from './bad-bodies.js';

// Property test: 1,000 generated bad bodies per JSON endpoint, each answered 2xx or 4xx, never 5xx.
const runs = 1000;
const adminToken = 'fuzz-admin';
const servers: RunningServer[] = [];
let gateway: Gateway;
let registry: RegistryApp;
let generator: LoadGenerator;
const url: Record<string, string> = {};

const deps = () => ({ logger: silentLogger(), metrics: createMetricsRegistry(), readiness: new Readiness() });

async function serve(name: string, handler: Parameters<typeof listen>[0]): Promise<RunningServer> {
  const running = await listen(handler, 0, '127.0.0.1');
  servers.push(running);
  url[name] = running.url;
  return running;
}

beforeAll(async () => {
  const ready = (r: Readiness) => (r.markReady(), r);
  const deployment = deploymentSchema.parse({ services: {} });
  registry = createRegistry({ deployment, readiness: ready(new Readiness()) });
  await serve('registry', registry.handler);
  await serve(
    'service-b',
    createServiceB({
      ...deps(),
      faults: new FaultState({ latencyMs: 0, jitterMs: 0, errorRate: 0 }),
      instanceId: 'b-1',
      adminToken,
    }).handler,
  );
  generator = createLoadGenerator(
    {
      TARGET_URL: 'http://127.0.0.1:1/work',
      TARGET_NAME: undefined,
      RPS: 0,
      CONCURRENCY: 4,
      DURATION_S: 0,
      SCENARIO: 'target',
      GATEWAY_URL: 'http://127.0.0.1:1',
      REQUEST_TIMEOUT_MS: 1000,
    },
    { metrics: createMetricsRegistry(), logger: silentLogger() },
  );
  await serve('service-a', createServiceA({ ...deps(), generator, adminToken }).handler);
  // The shop behind a real gateway: cart and order call catalog and cart through it.
  // Listening first: the shop needs the gateway's URL, the gateway the shop's.
  const gatewayServer = await serve('gateway', (req, res) => gateway.handler(req, res));
  const shopUrls: Record<string, string> = {};
  for (const service of ['catalog', 'cart', 'order'] as ShopService[]) {
    const app = createShop({ ...deps(), service, gatewayUrl: gatewayServer.url, upstreamTimeoutMs: 2000 });
    shopUrls[service] = (await serve(service, app.handler)).url;
  }
  gateway = createGateway({
    deployment: deploymentSchema.parse({
      services: Object.fromEntries(
        Object.entries(shopUrls).map(([name, u]) => [name, { path: `/${name}`, endpoints: [u] }]),
      ),
    }),
    adminToken,
  });
  await gateway.start();
}, 30_000);

afterAll(async () => {
  await Promise.all([generator.stop(), gateway.stop(), registry.stop()]);
  await Promise.all(servers.map((s) => (s.server.closeAllConnections(), closeServer(s.server, 1000))));
});

const endpoints: [string, string, string, Record<string, string>?][] = [
  ['registry', 'POST', '/services/register'],
  ['registry', 'PUT', '/services/catalog/fuzz-1/heartbeat'],
  ['service-b', 'PUT', '/faults', { authorization: `Bearer ${adminToken}` }],
  ['service-a', 'PUT', '/load', { authorization: `Bearer ${adminToken}` }],
  ['cart', 'POST', '/cart/fuzz-user/add'],
  ['cart', 'POST', '/cart/fuzz-user/checkout'],
  ['order', 'POST', '/order/create'],
  ['gateway', 'POST', '/cart/fuzz-user/add'],
  ['gateway', 'POST', '/order/create'],
  ['gateway', 'POST', '/mesh/reset/cart', { authorization: `Bearer ${adminToken}` }],
];

describe('every JSON endpoint under generated bad bodies', () => {
  it.each(endpoints)(
    'answers %s %s %s with 2xx or 4xx to 1,000 bad bodies, never 5xx, and keeps serving',
    async (name, method, path, headers = {}) => {
      const target = `${url[name]}${path}`;
      await fc.assert(
        fc.asyncProperty(badBody, contentType, async (body, type) => {
          const response = await fetch(target, {
            method,
            body,
            headers: { 'content-type': type, ...headers },
          });
          await response.arrayBuffer();
          expect(response.status, `${method} ${path} with ${body.slice(0, 200)}`).toBeGreaterThanOrEqual(200);
          expect(response.status, `${method} ${path} with ${body.slice(0, 200)}`).toBeLessThan(500);
        }),
        { numRuns: runs },
      );
      expect((await fetch(`${url[name]}/healthz`)).status).toBe(200);
    },
    120_000,
  );
});
