import {
  closeServer,
  deploymentSchema,
  listen,
  parseYaml,
  RegistryClient,
  silentLogger,
} from '@meshlab/common';
import { createApp as createGateway, type Gateway } from '@meshlab/gateway';
import { listenRegistry, type RunningRegistry } from '@meshlab/registry';
import type { Server } from 'node:http';
import { expect, vi } from 'vitest';
import { startShopStack, type ShopStack } from './shop-harness.js';

// The shop's part of config/deployment.yaml, with short timeouts and a breaker that stays out of the way.
const deploymentYaml = `
services:
  catalog: { path: /catalog, replicas: 1, healthCheck: { path: /catalog/health } }
  cart: { path: /cart, replicas: 1, healthCheck: { path: /cart/health } }
  order:
    path: /order
    replicas: 1
    healthCheck: { path: /order/health }
    resilience:
      timeouts: { perTryMs: 2500, overallMs: 5000 }
mesh:
  timeouts: { perTryMs: 1000, overallMs: 2000 }
  retry: { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 20 }
  circuitBreaker: { minimumRequests: 20 }
health: { timeoutMs: 500, slowMs: 400 }
`;

/** The real registry and gateway (in-process, port 0) in front of the three shop services. */
export interface MeshStack {
  gatewayUrl: string;
  registry: RunningRegistry;
  gateway: Gateway;
  shop: ShopStack;
  close(): Promise<void>;
}

export async function startMeshStack(options: { upstreamTimeoutMs?: number } = {}): Promise<MeshStack> {
  const deployment = parseYaml(deploymentSchema, deploymentYaml, 'shop component test');
  const registry = await listenRegistry({ deployment });
  const gateway = createGateway({
    deployment,
    registryUrl: registry.url,
    discovery: { waitS: 1, minIntervalMs: 10, retryBaseMs: 20, retryMaxMs: 200 },
  });
  const gatewayServer: Server = (await listen(gateway.handler, 0, '127.0.0.1')).server;
  const gatewayUrl = `http://127.0.0.1:${(gatewayServer.address() as { port: number }).port}`;
  await gateway.start();
  const shop = await startShopStack(gatewayUrl, options);
  // What main.ts does with REGISTRY_URL set, one registration each (no heartbeat timers).
  for (const service of ['catalog', 'cart', 'order'] as const) {
    await new RegistryClient({
      registryUrl: registry.url,
      registration: {
        name: service,
        id: `${service}-1`,
        url: shop[service].url,
        healthPath: `/${service}/health`,
      },
      logger: silentLogger(),
    }).tick();
  }
  // the gateway discovers catalog, cart and order
  await vi.waitFor(() => {
    for (const s of ['catalog', 'cart', 'order'])
      expect(gateway.discovery.services?.[s]?.length ?? 0).toBeGreaterThan(0);
  }, 5_000);
  return {
    gatewayUrl,
    registry,
    gateway,
    shop,
    close: async () => {
      await shop.close();
      await gateway.stop();
      gatewayServer.closeAllConnections();
      await closeServer(gatewayServer, 1000);
      await registry.close();
    },
  };
}
